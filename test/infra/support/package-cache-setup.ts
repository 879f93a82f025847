import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where packagedStack() keeps the stacks packaged in this test run, one folder each. */
    stackPackageCache: string;
  }
}

/** The infra project's globalSetup: one directory of packaged stacks per test run. */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'bam-stack-packages-'));
  project.provide('stackPackageCache', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
