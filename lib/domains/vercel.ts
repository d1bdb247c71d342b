import 'server-only';

/**
 * Vercel's project domains API: a custom domain only reaches this deployment once the project
 * knows it. Configured by VERCEL_TOKEN and VERCEL_PROJECT_ID (VERCEL_TEAM_ID for a team project);
 * without them the CRM tells the operator to add the domain by hand.
 */

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface VercelDomainsConfig {
  token: string;
  projectId: string;
  teamId?: string;
}

export function vercelConfigFromEnv(env: NodeJS.ProcessEnv = process.env): VercelDomainsConfig | null {
  const token = env.VERCEL_TOKEN?.trim();
  const projectId = env.VERCEL_PROJECT_ID?.trim();
  if (!token || !projectId) return null;
  return { token, projectId, teamId: env.VERCEL_TEAM_ID?.trim() || undefined };
}

export class VercelDomainError extends Error {
  constructor(readonly status: number, readonly code: string | undefined) {
    super(`Vercel domains API answered ${status}${code ? ` (${code})` : ''}`);
    this.name = 'VercelDomainError';
  }
}

export interface VercelDomains {
  add(hostname: string): Promise<void>;
  remove(hostname: string): Promise<void>;
}

async function errorCode(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.json()) as { error?: { code?: string } };
    return body.error?.code;
  } catch {
    return undefined;
  }
}

export function vercelDomains(config: VercelDomainsConfig, fetchImpl: FetchLike = fetch): VercelDomains {
  const query = config.teamId ? `?teamId=${encodeURIComponent(config.teamId)}` : '';
  const project = encodeURIComponent(config.projectId);
  const headers = { Authorization: `Bearer ${config.token}`, 'Content-Type': 'application/json' };
  return {
    async add(hostname) {
      const response = await fetchImpl(`https://api.vercel.com/v10/projects/${project}/domains${query}`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: hostname }),
      });
      if (response.ok) return;
      const code = await errorCode(response);
      // Vercel answers 400 when the domain is already on this project (a retry after a timeout,
      // say): the goal is reached. 409 means another project holds it, which is a real refusal.
      if (response.status === 400 && code?.includes('already')) return;
      throw new VercelDomainError(response.status, code);
    },
    async remove(hostname) {
      const response = await fetchImpl(`https://api.vercel.com/v9/projects/${project}/domains/${encodeURIComponent(hostname)}${query}`, {
        method: 'DELETE',
        headers,
      });
      // Not on the project any more is what removing wants.
      if (response.ok || response.status === 404) return;
      throw new VercelDomainError(response.status, await errorCode(response));
    },
  };
}
