/**
 * A value created by the first call that needs it, then shared by every later call. A failed
 * load is forgotten, so the next call tries again instead of repeating the old failure.
 */
export function loadOnFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
