import type { AnchorHTMLAttributes } from 'react';
import { followLink } from '../routing/router.ts';

/** An anchor that navigates inside the app on a plain click. */
export function Link({ to, ...props }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  return <a href={to} onClick={followLink} {...props} />;
}
