import { badUserInput } from '@supergraph/service-kit/errors';
import { z } from 'zod';

/** Input rules for accounts. Each failure becomes BAD_USER_INPUT naming the field. */
const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'email must be at most 254 characters')
  .pipe(z.email('email must be a well-formed address, like name@example.com'));
const name = z
  .string()
  .trim()
  .min(1, 'name must not be empty')
  .max(100, 'name must be at most 100 characters')
  // PostgreSQL text cannot hold NUL; refuse it as bad input rather than fail the write.
  .refine((value) => !value.includes('\0'), 'name must not contain NUL characters');
const password = z
  .string()
  .min(8, 'password must be at least 8 characters')
  .max(200, 'password must be at most 200 characters');

const signUp = z.object({ email, name, password });
const updateMe = z.object({ name: name.nullish() });

function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('.');
  throw badUserInput(issue.message, field || undefined);
}

export const parseSignUpInput = (input: unknown) => parseOrThrow(signUp, input);
export const parseUpdateMeInput = (input: unknown) => parseOrThrow(updateMe, input);
export const normaliseEmail = (value: string) => value.trim().toLowerCase();
