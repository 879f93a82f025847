/**
 * Who signed a request: the simulator tells accounts apart by the SigV4 access key, as AWS
 * does. Keys that AssumeRole issued name their account and session; any other key is the
 * scenario's own caller.
 */
import { randomBytes } from 'node:crypto';

export interface Caller {
  account: string;
  callerArn: string;
}

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  assumedRoleId: string;
  arn: string;
}

// ASIA is the prefix AWS gives temporary keys; the 12 digits after it name the account.
const ISSUED_KEY = /^ASIA(\d{12})[A-Z0-9]{4,}$/;

export class CallerBook {
  private readonly issued = new Map<string, Caller>();
  private count = 0;

  constructor(private readonly own: Caller) {}

  /** The caller whose access key signed the request. */
  identify(accessKeyId: string): Caller {
    const known = this.issued.get(accessKeyId);
    if (known) return known;
    const account = ISSUED_KEY.exec(accessKeyId)?.[1];
    if (account === undefined) return this.own;
    // Issued by another simulator run: the account is in the key, the session is lost.
    return { account, callerArn: `arn:aws:sts::${account}:assumed-role/unknown/unknown` };
  }

  /** Credentials of a session of `roleName` in `account`, whose key names that account. */
  issue(account: string, roleName: string, sessionName: string): IssuedCredentials {
    this.count += 1;
    const serial = this.count.toString(36).toUpperCase().padStart(4, '0');
    const accessKeyId = `ASIA${account}${serial}`;
    const arn = `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`;
    this.issued.set(accessKeyId, { account, callerArn: arn });
    return {
      accessKeyId,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(48).toString('base64'),
      assumedRoleId: `AROASIMULATOR${serial}:${sessionName}`,
      arn,
    };
  }
}
