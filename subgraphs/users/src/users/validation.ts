import { noNul, parseInput } from '@supergraph/service-kit/validation';
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
  .refine(...noNul('name'));
const password = z
  .string()
  .min(8, 'password must be at least 8 characters')
  .max(200, 'password must be at most 200 characters');

const signUp = z.object({ email, name, password });
const updateMe = z.object({ name: name.nullish() });

export const parseSignUpInput = (input: unknown) => parseInput(signUp, input);
export const parseUpdateMeInput = (input: unknown) => parseInput(updateMe, input);
export const normaliseEmail = (value: string) => value.trim().toLowerCase();
