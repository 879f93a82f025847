/**
 * One value per region, created on first use and then reused: the shape of every AWS client
 * cache here, so connections and retry state live across calls and Lambda invocations.
 */
export function perRegion<T>(
  create: (region: string) => T,
): ((region: string) => T) & { created(): T[] } {
  const values = new Map<string, T>();
  const forRegion = (region: string) => {
    let value = values.get(region);
    if (value === undefined) {
      value = create(region);
      values.set(region, value);
    }
    return value;
  };
  // What has been created so far, so an owner that drops the cache can release each one.
  return Object.assign(forRegion, { created: () => [...values.values()] });
}
