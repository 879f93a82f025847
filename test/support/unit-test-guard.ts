import { ChildProcess } from 'node:child_process';
import { Server, Socket } from 'node:net';

// The unit project's setup file. Unit tests are the fast development loop (npm run test:unit):
// a test that opens a socket or starts a process belongs to the integration project, and its
// file name says so (docs/development.md).
function refuse(what: string): never {
  throw new Error(
    `A unit test ${what}: name its file *.integration.test.ts (docs/development.md, "Tests").`,
  );
}

Socket.prototype.connect = () => refuse('opened a network connection');
Server.prototype.listen = () => refuse('listened on a port');
// spawn, exec, execFile and fork all start their process here; @types/node leaves it out.
(ChildProcess.prototype as unknown as { spawn: () => never }).spawn = () =>
  refuse('started a process');
