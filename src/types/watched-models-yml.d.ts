// config/watched-models.yml is imported as the config it holds, validated when it is built:
// by serverless/esbuild-plugins.cjs in the Lambda bundle, by vitest.config.ts in the tests.
declare module '*/watched-models.yml' {
  const config: import('../config/watched-config.ts').WatchedConfig;
  export default config;
}
