import 'server-only';

// A home activity's text as the portal shows it: web addresses in the clinic's text become links,
// and a YouTube or Vimeo address becomes a "Watch the video" link. Videos are never embedded:
// the portal's Content-Security-Policy allows no third-party frames. Only http(s) addresses are
// linked, so text cannot smuggle in a javascript: or data: link. Pure.

export type VideoSite = 'YouTube' | 'Vimeo';

export type TextPart =
  | { kind: 'text'; text: string }
  | { kind: 'link'; href: string; text: string; video: VideoSite | null };

const ADDRESS = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?'"”’)\]}]+$/;

const VIDEO_HOSTS: Record<string, VideoSite> = {
  'youtube.com': 'YouTube',
  'www.youtube.com': 'YouTube',
  'm.youtube.com': 'YouTube',
  'youtu.be': 'YouTube',
  'www.youtube-nocookie.com': 'YouTube',
  'vimeo.com': 'Vimeo',
  'www.vimeo.com': 'Vimeo',
  'player.vimeo.com': 'Vimeo',
};

/** The video site an address points at, if it is one the portal labels as a video. */
export function videoSite(href: string): VideoSite | null {
  try {
    return VIDEO_HOSTS[new URL(href).hostname.toLowerCase()] ?? null;
  } catch {
    return null;
  }
}

/** Sentence punctuation after an address belongs to the sentence; a ")" only when it closes nothing in the address. */
function trimAddress(raw: string): string {
  let address = raw;
  for (;;) {
    const match = TRAILING.exec(address);
    if (!match) return address;
    const last = address.at(-1)!;
    if (last === ')' && (address.match(/\(/g)?.length ?? 0) >= (address.match(/\)/g)?.length ?? 0)) return address;
    address = address.slice(0, -1);
  }
}

export function textParts(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  const pushText = (value: string) => {
    if (!value) return;
    const previous = parts.at(-1);
    if (previous?.kind === 'text') previous.text += value;
    else parts.push({ kind: 'text', text: value });
  };
  for (const match of text.matchAll(ADDRESS)) {
    const address = trimAddress(match[0]);
    let href: string;
    try {
      const url = new URL(address);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') continue;
      href = url.href;
    } catch {
      continue;
    }
    pushText(text.slice(last, match.index));
    parts.push({ kind: 'link', href, text: address, video: videoSite(href) });
    last = match.index + address.length;
  }
  pushText(text.slice(last));
  return parts;
}
