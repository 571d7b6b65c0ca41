import type { NextFunction, Request, Response } from 'express';
import { registerDecorator, ValidateIf, type ValidationOptions } from 'class-validator';
import type { FieldError } from '@tandem/shared';
import { AppError, ErrorCode } from './app-error';
import { toErrorBody } from './http-error.filter';

/** Deeper than any request body the API defines; 5,000 levels would otherwise reach recursive code downstream. */
export const MAX_JSON_DEPTH = 32;

/** Keys that, merged into an object, would change its prototype (prototype pollution). */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A UTF-16 surrogate without its partner: not text, and PostgreSQL refuses it (it was a 500). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function stringProblem(value: string): string | null {
  if (value.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode text (no lone surrogates)';
  return null;
}

/** The first problem found in a parsed body or query, as a field error, or null. Iterative: no deep recursion. */
export function findInputProblem(root: unknown, rootName: string): FieldError | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: rootName, depth: 0 }];
  while (stack.length) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = stringProblem(value);
      if (problem) return { field: path, errors: [`${path} ${problem}`] };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return { field: path, errors: [`nested deeper than ${MAX_JSON_DEPTH} levels`] };
    for (const [key, child] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) return { field: childPath, errors: [`the key ${key} is not allowed`] };
      const keyProblem = stringProblem(key);
      if (keyProblem) return { field: path || 'body', errors: [`a key ${keyProblem}`] };
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return null;
}

/**
 * Runs after the body parser, before routing: text the database cannot store (NUL, lone surrogates), bodies
 * nested absurdly deep, and prototype-polluting keys are refused with 400 and DESIGN 8's body, whatever the route.
 */
export function inputGuard(req: Request, res: Response, next: NextFunction): void {
  const problem = findInputProblem(req.body, '') ?? findInputProblem(req.query, '') ?? pathProblem(req.path);
  if (!problem) return next();
  const body = toErrorBody(
    new AppError(ErrorCode.ValidationFailed, `Invalid request: ${problem.field || 'body'}`, { details: [problem] }),
  );
  res.status(body.statusCode).json(body);
}

function pathProblem(path: string): FieldError | null {
  const problem = stringProblem(path);
  return problem ? { field: 'path', errors: [`the path ${problem}`] } : null;
}

/**
 * A calendar date PostgreSQL and every client can hold: ISO 8601, a real date, year 1900 to 9999
 * (`0000-01-01` parsed in JavaScript but was refused by the database: a 500).
 */
export function IsSaneDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'isSaneDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be an ISO 8601 date between 1900 and 9999`, ...options },
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
            return false;
          }
          const time = Date.parse(value);
          if (Number.isNaN(time)) return false;
          const year = new Date(time).getUTCFullYear();
          return year >= 1900 && year <= 9999;
        },
      },
    });
  };
}

/**
 * A field that may be left out but is never null (class-validator's `@IsOptional` lets null through, which then
 * reached code that needs a value).
 */
export const Omittable = () => ValidateIf((_object: object, value: unknown) => value !== undefined);
