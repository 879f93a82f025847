/** Structured log lines; Powertools Logger fits, so does a console adapter. */
export interface MonitorLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}
