/** Organizations is global: its endpoint is in us-east-1 (us-gov-west-1 in GovCloud). */
export function organizationsRegion(): string {
  return (process.env.AWS_REGION ?? '').startsWith('us-gov-') ? 'us-gov-west-1' : 'us-east-1';
}
