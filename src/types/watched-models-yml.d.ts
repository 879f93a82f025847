// config/watched-models.yml is imported as its text: by esbuild's text loader in the Lambda
// bundle (custom.esbuild.loader in serverless.yml), by vitest.config.ts in the tests.
declare module '*/watched-models.yml' {
  const text: string;
  export default text;
}
