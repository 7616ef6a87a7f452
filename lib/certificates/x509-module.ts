/**
 * `@peculiar/x509` with the `reflect-metadata` polyfill it needs, as one module that
 * generate-certificate.ts loads on its first certificate. Most runs make no certificate, and in
 * the task bundle this module is a file of its own (scripts/bundle-task.ts), so a task start does
 * not parse or run about 300 KB of ASN.1 code it will not use.
 */
import 'reflect-metadata';

export * from '@peculiar/x509';
