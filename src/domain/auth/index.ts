/** The auth context's pure rules: roles and what each may do. Other contexts import this context through this file. */
export * from './policy.ts';
