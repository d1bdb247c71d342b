import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { DevSmsReplyForm } from '@/components/engagement/consent/dev-sms-reply-form';
import { getDb } from '@/db/client';
import { isProduction } from '@/lib/config/env';
import { capturedSmsClinics } from '@/lib/engagement/dev-sms-reply';
import { listDevOutbox, type DevOutboxEntry } from '@/lib/messaging/dev-outbox';
import { outboxActive } from '@/lib/messaging/providers';
import { replyAsNumberAction } from './actions';

export const metadata: Metadata = { title: 'Dev outbox — Carebridge' };
export const dynamic = 'force-dynamic';

const CHANNEL_LABEL: Record<DevOutboxEntry['channel'], string> = { sms: 'SMS', email: 'Email' };

// Rendered on the server, in the developer's own time zone: this page only runs locally.
// The outbox serves every clinic from the root host: one stated zone, not the server's.
const localTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' });

/**
 * What the local SMS and email providers captured instead of sending (sign-in codes, invites),
 * so a developer or an e2e test can read them. Absent in production and when real providers
 * are configured.
 */
export default async function DevOutboxPage() {
  if (isProduction || !outboxActive()) notFound();
  const messages = await listDevOutbox(100);
  // Texts a clinic sent through its outbox can be answered (STOP, START) as their recipient.
  const clinics = await capturedSmsClinics(getDb(), messages.filter((m) => m.channel === 'sms').map((m) => m.id));

  return (
    <main className="mx-auto max-w-4xl px-6 py-12">
      <div className="flex flex-wrap items-baseline justify-between gap-4">
        <h1 className="text-3xl font-semibold tracking-tight text-slate-900">Dev outbox</h1>
        {/* A plain link: a full reload shows what arrived since the page was opened. */}
        <a
          href="/dev/outbox"
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700"
        >
          Refresh
        </a>
      </div>
      <p className="mt-3 text-base leading-7 text-slate-700">
        Messages the local SMS and email providers captured instead of sending. Development only.
      </p>

      {messages.length === 0 ? (
        <p className="mt-10 rounded-xl border border-dashed border-slate-300 p-6 text-slate-700">
          No messages yet. Request a sign-in code or send an invitation, then refresh.
        </p>
      ) : (
        <ol className="mt-8 space-y-4" aria-label="Captured messages, newest first">
          {messages.map((m) => (
            <li
              key={m.id}
              data-testid="outbox-message"
              data-channel={m.channel}
              data-recipient={m.recipient}
              className="rounded-xl border border-slate-200 bg-white p-5"
            >
              <dl className="flex flex-wrap gap-x-6 gap-y-1 text-sm">
                <div className="flex gap-1.5">
                  <dt className="sr-only">Channel</dt>
                  <dd className="rounded bg-slate-100 px-2 py-0.5 font-semibold text-slate-800">
                    {CHANNEL_LABEL[m.channel]}
                  </dd>
                </div>
                <div className="flex gap-1.5">
                  <dt className="text-slate-600">To</dt>
                  <dd className="font-medium text-slate-900">{m.recipient}</dd>
                </div>
                <div className="flex gap-1.5">
                  <dt className="text-slate-600">At</dt>
                  <dd className="text-slate-900">
                    <time dateTime={m.createdAt.toISOString()} title={m.createdAt.toISOString()}>
                      {localTime.format(m.createdAt)} UTC
                    </time>{' '}
                    <span className="text-slate-600">({m.createdAt.toISOString()})</span>
                  </dd>
                </div>
              </dl>
              {m.subject ? <p className="mt-3 font-semibold text-slate-900">{m.subject}</p> : null}
              <pre className="mt-3 whitespace-pre-wrap break-words font-sans text-base leading-7 text-slate-800">
                {m.body}
              </pre>
              {m.html ? <HtmlPart html={m.html} recipient={m.recipient} subject={m.subject} /> : null}
              {clinics.has(m.id) ? <DevSmsReplyForm action={replyAsNumberAction} captureId={m.id} clinicName={clinics.get(m.id)!.clinicName} /> : null}
            </li>
          ))}
        </ol>
      )}
    </main>
  );
}

/**
 * An email's HTML part, drawn as a mail client would, behind a disclosure (a native <details>,
 * so it opens from the keyboard and the list stays short). The frame is sandboxed with no
 * permissions (no scripts, no forms, its own opaque origin) and fed by srcdoc, so nothing in a
 * captured email can act as this page; it loads only when opened. It keeps this page's security
 * policy, so images on a clinic's host (the logo) are not shown here.
 */
function HtmlPart({ html, recipient, subject }: { html: string; recipient: string; subject: string | null }) {
  return (
    <details className="mt-4 rounded-lg border border-slate-300" data-testid="outbox-html">
      <summary className="cursor-pointer rounded-lg px-3 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-700">
        Show the HTML part
      </summary>
      <p className="border-t border-slate-200 px-3 py-2 text-sm text-slate-700">
        As an email client draws it, without scripts. Images on the clinic’s host (its logo) are not loaded on this page.
      </p>
      <iframe
        sandbox=""
        srcDoc={html}
        loading="lazy"
        title={`HTML part of the email to ${recipient}${subject ? `: ${subject}` : ''}`}
        className="block h-[36rem] w-full rounded-b-lg border-t border-slate-200 bg-white"
      />
    </details>
  );
}
