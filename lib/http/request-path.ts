import 'server-only';
import { headers } from 'next/headers';

/** The path the user sees (before middleware's rewrite), for navigation state in layouts. */
export async function getRequestPath(): Promise<string> {
  return (await headers()).get('x-carebridge-pathname') ?? '/';
}
