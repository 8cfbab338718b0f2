/** The aws-auth ConfigMap as aws-iam-authenticator reads it: parse, lint, and map a caller (SPEC §9). */
export { parseAwsAuthData } from './aws-auth/parse.js';
export { parseAwsAuthManifest } from './aws-auth/manifest.js';
export { mapIdentity, adminMappings, type CallerIdentity, type MappedIdentity } from './aws-auth/match.js';
export { lintMappings, effectiveMapping } from './aws-auth/lint.js';
export { renderTemplate, templateProblems, TEMPLATE_PLACEHOLDERS, INSTANCE_ID_PATTERN } from './aws-auth/templates.js';
export { AWS_AUTH_SECTIONS, type AwsAuthConfig, type AwsAuthMapping, type AwsAuthProblem, type AwsAuthProblemKind, type AwsAuthSection, type AwsAuthSource } from './aws-auth/types.js';
