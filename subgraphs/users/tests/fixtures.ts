/** A stored password hash that is not a valid scrypt hash: for rows inserted directly, which never log in. */
export const DUMMY_PASSWORD_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$not-a-real-hash';
