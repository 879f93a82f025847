/**
 * A value created by the first call that needs it, then shared by every later call. A failed
 * load is forgotten and the next call tries again. That helps when a file could not be read;
 * a module whose evaluation threw stays failed in Node's module cache for the life of the
 * process, so the caller must make such a failure visible (lazy-delivery.ts does).
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
