import { readableTextOn } from '@/lib/branding/colors';
import type { Handout, HandoutBlock } from '@/lib/handout/content';

/**
 * The portal handout as a page: the same content model as the PDF, laid out for the screen and
 * for paper. On paper the staff frame is hidden (StaffShell marks it print:hidden), the sheet
 * loses its card, and no block is split across two sheets. The brand band keeps its colour
 * when printed (print-color-adjust), with the text colour that reads on it.
 */
export function HandoutSheet({ handout, level = 1 }: { handout: Handout; /** The title's heading level; the sections' is one below. */ level?: 1 | 2 | 3 }) {
  const Title = (['h1', 'h2', 'h3'] as const)[level - 1]!;
  const Block = (['h2', 'h3', 'h4'] as const)[level - 1]!;
  return (
    <article lang={handout.lang} className="mx-auto max-w-3xl overflow-hidden rounded-xl border border-line bg-white text-[#111827] print:max-w-none print:rounded-none print:border-0">
      <div
        className="flex items-center gap-4 px-8 py-5 print:px-0"
        style={{ background: handout.brandColor, color: readableTextOn(handout.brandColor), printColorAdjust: 'exact', WebkitPrintColorAdjust: 'exact' }}
      >
        {handout.logoUrl ? (
          // eslint-disable-next-line @next/next/no-img-element -- clinic logos are uploaded files of any size
          <img src={handout.logoUrl} alt="" className="h-14 w-auto max-w-40 rounded-md bg-white p-1 print:ml-4" />
        ) : null}
        <p className="text-xl font-semibold print:pl-4">{handout.clinicName}</p>
      </div>
      <div className="space-y-6 px-8 py-6 print:px-0">
        <header>
          <Title className="text-3xl font-semibold tracking-tight">{handout.heading}</Title>
          <p className="mt-2 text-lg">{handout.intro}</p>
        </header>
        <section aria-label={handout.address.label} className="break-inside-avoid rounded-lg border border-[#d1d5db] border-l-8 px-5 py-4" style={{ borderLeftColor: handout.brandColor }}>
          <p className="text-sm font-semibold uppercase tracking-wide text-[#4b5563]">{handout.address.label}</p>
          <p className="mt-1 font-mono text-2xl font-semibold break-all">{handout.address.url}</p>
          <p className="mt-1 text-sm text-[#4b5563]">{handout.address.hint}</p>
        </section>
        {handout.blocks.map((block) => (
          <HandoutBlockView key={block.id} block={block} Heading={Block} />
        ))}
        <footer className="break-inside-avoid space-y-1 border-t border-[#d1d5db] pt-4 text-sm text-[#4b5563]">
          {handout.footer.map((line) => (
            <p key={line}>{line}</p>
          ))}
        </footer>
      </div>
    </article>
  );
}

function HandoutBlockView({ block, Heading }: { block: HandoutBlock; Heading: 'h2' | 'h3' | 'h4' }) {
  const headingId = `handout-block-${block.id}`;
  return (
    <section aria-labelledby={headingId} className="break-inside-avoid">
      <Heading id={headingId} className="text-xl font-semibold">{block.heading}</Heading>
      {block.kind === 'text' ? (
        <div className="mt-2 space-y-2">
          {block.paragraphs.map((p, i) => (
            <p key={i} className="whitespace-pre-line">{p}</p>
          ))}
        </div>
      ) : block.kind === 'steps' ? (
        <>
          <ol className="mt-2 list-decimal space-y-1 pl-6">
            {block.steps.map((step) => (
              <li key={step}>{step}</li>
            ))}
          </ol>
          {block.after ? <p className="mt-2 text-sm italic text-[#4b5563]">{block.after}</p> : null}
        </>
      ) : (
        <dl className="mt-2 grid gap-x-6 gap-y-3 sm:grid-cols-2 print:grid-cols-2">
          {block.items.map((item) => (
            <div key={item.key} className="break-inside-avoid">
              <dt className="font-semibold">{item.title}</dt>
              <dd>{item.text}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
