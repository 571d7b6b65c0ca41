import { registerDecorator, type ValidationOptions } from 'class-validator';
import { COMMON_PASSWORDS } from './common-passwords';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1000;

/**
 * The one password policy (user creation, admin reset, self-service change, ADMIN_PASSWORD): long enough, not a
 * common password, not one character repeated. Answers what is wrong, in words a person can act on.
 */
export function passwordProblems(password: string): string[] {
  const problems: string[] = [];
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    problems.push(`password must be at least ${MIN_PASSWORD_LENGTH} characters long`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    problems.push(`password must be at most ${MAX_PASSWORD_LENGTH} characters long`);
  }
  if (COMMON_PASSWORDS.has(password.toLowerCase())) {
    problems.push('password is one of the most common passwords; choose another');
  } else if (new Set(password).size < 4) {
    problems.push('password must use at least 4 different characters');
  }
  return problems;
}

/** class-validator: the field is a string that meets the policy (each problem is one message). */
export function MeetsPasswordPolicy(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'meetsPasswordPolicy',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && passwordProblems(value).length === 0,
        defaultMessage: (args) =>
          typeof args?.value === 'string'
            ? passwordProblems(args.value).join('; ')
            : `${args?.property} must be a string`,
      },
    });
  };
}

/** Start-up: a weak ADMIN_PASSWORD stops the server with an error that names the variable. */
export function assertAdminPassword(password: string | undefined): void {
  if (password === undefined) return;
  const problems = passwordProblems(password);
  if (problems.length) throw new Error(`ADMIN_PASSWORD does not meet the password policy: ${problems.join('; ')}`);
}
