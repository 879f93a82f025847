// esbuild (loader "text") and vitest (vitest.config.ts) import .yml files as their text.
declare module '*.yml' {
  const text: string;
  export default text;
}
