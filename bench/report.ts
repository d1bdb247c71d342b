/** The benchmark's results, its table and its targets (issue 7), kept apart from the runner. */
export interface TargetResult {
  name: string;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  queries: number;
  /** The server process's CPU time (user + system) per request under load, in ms. */
  cpuMs: number;
  /** Throughput relative to the baseline, measured in rounds alternating with it; 0 where not compared. */
  ratio: number;
  /** The lowest and highest of the alternating rounds' ratios (the ratio is their median). */
  ratioSpread?: [number, number];
  rounds?: number;
}

/** A batch job timed end to end (the renewal batch): no request latencies, a duration and a cost per item. */
export interface BatchResult {
  name: string;
  /** Items done (renewals charged). */
  items: number;
  seconds: number;
  perSecond: number;
  /** Statements sent by the app's database client, per item done. */
  statementsPerItem: number;
  /** The job's passes (calls) until one found nothing due. */
  passes: number;
  /** Items that failed, waited or errored, plus any the check after the batch found not done exactly once. */
  errors: number;
  /** How much the process's heap grew at most while the batch ran (MiB), where memory must stay flat. */
  peakHeapGrowthMiB?: number;
  /** The process's resident set size at its highest while the batch ran (MiB), beside the heap's growth. */
  peakRssMiB?: number;
  /** Items a rate allowed in the batch's window, where the batch must not go faster (a campaign's sending). */
  rateAllows?: number;
}

export interface PageJs {
  page: string;
  bytes: number;
  gzipBytes: number;
}

export interface BenchReport {
  ranAt: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string };
  settings: { durationSeconds: number; connections: number };
  dataGenerationSeconds: number | null;
  results: TargetResult[];
  /** Absent in reports from before issue 17. */
  batches?: BatchResult[];
  firstLoadJs: PageJs[];
}

export const LIMITS = {
  signInRatio: 0.7,
  pageRatio: 0.5,
  // A visitor's catalogue: the sign-in pages' frame and the products, no session to read.
  shopSignedOutRatio: 0.6,
  // The staff's orders list with its counts per reason over the clinic's 20,000 orders.
  ordersAttentionRatio: 0.4,
  searchP99Ms: 50,
  autosaveP99Ms: 100,
  // A payment is a locked read, three writes, the gateway's own rows and a notice: a person
  // pressing Pay should have the receipt well inside a quarter of a second.
  payP99Ms: 250,
  // A checkout is a payment plus the order: the cart re-read against the catalogue, the order,
  // its lines, history and invoice in one transaction, then the payment as above.
  checkoutP99Ms: 300,
  // 10,000 renewals within a minute at the job's own settings (50 a pass, 4 at a time) on two
  // shared cores (issue 21): a clinic's whole month of renewals falling due on one day is done
  // within the job's first minute.
  renewalBatchSeconds: 60,
  // Each renewal's share of a pass of 50 (lib/commerce/renewals-bulk.ts: the pass's statements,
  // the provider's own per payment, the receipt notice), fixed whatever the clinic's history, as
  // tests/integration/commerce-renewals-bulk.int.test.ts holds it.
  renewalStatements: 7,
  // A campaign to 100,000 patients queued (every recipient row written, with its slot or the
  // reason it is left out) within a minute, holding one page at a time: the heap grows by less
  // than a page's worth of rows, whatever the segment's size.
  campaignQueueSeconds: 60,
  campaignPeakHeapMiB: 64,
  // An automation's first step (issue 21) within 5 s of its event at the 99th percentile, under a
  // steady stream of events, with the workers at their real intervals (bench/automations.ts).
  automationFirstStepP99Ms: 5000,
  // The portal picker's month of free days (issue 20), the server's own time for one call
  // (bench/free-days.ts), at the 95th percentile: a phone waits on it before the month shows.
  freeDaysMonthMs: 50,
  // A fresh server process to its first answered portal page, and each area's first page after
  // start (bench/cold-start.ts), median of five starts: a serverless instance's first visitor.
  coldStartMs: 1000,
  maxQueries: 5,
  firstLoadJsBytes: 150 * 1024,
} as const;

/** Every target the issue sets, as the list of those missed (empty when all are met). */
export function TARGETS_MET(report: BenchReport): string[] {
  const missed: string[] = [];
  const by = (prefix: string) => report.results.find((r) => r.name.startsWith(prefix));
  const ratio = (prefix: string, min: number) => {
    const r = by(prefix);
    if (r && r.ratio < min) missed.push(`${r.name}: ${r.ratio.toFixed(2)}× the baseline, target ≥ ${min}×`);
  };
  ratio('Portal sign-in page', LIMITS.signInRatio);
  ratio('Portal dashboard', LIMITS.pageRatio);
  ratio('Documents list', LIMITS.pageRatio);
  const search = report.results.find((r) => r.name.startsWith('EMR patient search') && r.name.includes('think time'));
  if (search && search.p99 >= LIMITS.searchP99Ms) missed.push(`${search.name}: p99 ${ms(search.p99)} ms, target < ${LIMITS.searchP99Ms} ms`);
  ratio('Portal form page', LIMITS.pageRatio);
  ratio('Portal billing page', LIMITS.pageRatio);
  const pay = by('Pay action');
  if (pay && pay.p99 >= LIMITS.payP99Ms) missed.push(`${pay.name}: p99 ${ms(pay.p99)} ms, target < ${LIMITS.payP99Ms} ms`);
  ratio('Portal shop page', LIMITS.pageRatio);
  ratio('Shop page, signed out', LIMITS.shopSignedOutRatio);
  ratio('EMR orders, Needs attention', LIMITS.ordersAttentionRatio);
  const checkout = by('Checkout action');
  if (checkout && checkout.p99 >= LIMITS.checkoutP99Ms) missed.push(`${checkout.name}: p99 ${ms(checkout.p99)} ms, target < ${LIMITS.checkoutP99Ms} ms`);
  for (const b of report.batches ?? []) {
    if (b.name.startsWith('Renewal batch')) {
      if (b.seconds > LIMITS.renewalBatchSeconds) missed.push(`${b.name}: ${b.seconds.toFixed(0)} s, target ≤ ${LIMITS.renewalBatchSeconds} s`);
      if (b.statementsPerItem > LIMITS.renewalStatements) missed.push(`${b.name}: ${b.statementsPerItem.toFixed(1)} statements per renewal, target ≤ ${LIMITS.renewalStatements}`);
    }
    if (b.name.startsWith('Campaign queueing')) {
      if (b.seconds > LIMITS.campaignQueueSeconds) missed.push(`${b.name}: ${b.seconds.toFixed(0)} s, target ≤ ${LIMITS.campaignQueueSeconds} s`);
      if ((b.peakHeapGrowthMiB ?? 0) > LIMITS.campaignPeakHeapMiB) missed.push(`${b.name}: heap grew ${b.peakHeapGrowthMiB!.toFixed(0)} MiB, target ≤ ${LIMITS.campaignPeakHeapMiB} MiB`);
    }
    if (b.rateAllows !== undefined && b.items > b.rateAllows) missed.push(`${b.name}: ${b.items} handed over, the rate allows ${b.rateAllows}`);
    if (b.errors > 0) missed.push(`${b.name}: ${b.errors} errors`);
  }
  for (const r of report.results.filter((x) => x.name.startsWith('Month of free days'))) {
    if (r.p95 >= LIMITS.freeDaysMonthMs) missed.push(`${r.name}: p95 ${ms(r.p95)} ms server time, target < ${LIMITS.freeDaysMonthMs} ms`);
  }
  const automation = by('Automation event → first step');
  if (automation && automation.p99 >= LIMITS.automationFirstStepP99Ms) missed.push(`${automation.name}: p99 ${ms(automation.p99)} ms, target < ${LIMITS.automationFirstStepP99Ms} ms`);
  for (const r of report.results.filter((x) => x.name.startsWith('Cold start'))) {
    if (r.p50 >= LIMITS.coldStartMs) missed.push(`${r.name}: median ${ms(r.p50)} ms, target < ${LIMITS.coldStartMs} ms`);
  }
  const autosave = by('Form autosave');
  if (autosave && autosave.p99 >= LIMITS.autosaveP99Ms) missed.push(`${autosave.name}: p99 ${ms(autosave.p99)} ms, target < ${LIMITS.autosaveP99Ms} ms`);
  for (const r of report.results) {
    if (r.queries > LIMITS.maxQueries) missed.push(`${r.name}: ${r.queries} queries per request, target ≤ ${LIMITS.maxQueries}`);
    if (r.errors > 0) missed.push(`${r.name}: ${r.errors} errors`);
  }
  for (const page of report.firstLoadJs) {
    if (page.gzipBytes > LIMITS.firstLoadJsBytes) missed.push(`${page.page}: ${kb(page.gzipBytes)} first-load JS, target < 150 kB`);
  }
  return missed;
}

function ratioText(r: TargetResult): string {
  if (r.ratio <= 0) return '—';
  if (!r.ratioSpread || r.name.startsWith('Baseline')) return r.ratio.toFixed(2);
  return `${r.ratio.toFixed(2)} (${r.ratioSpread[0].toFixed(2)}–${r.ratioSpread[1].toFixed(2)}, ${r.rounds ?? 5} rounds)`;
}

function ms(value: number): string {
  return value.toFixed(1);
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} kB`;
}

export function renderTable(report: BenchReport): string {
  const batches = report.batches ?? [];
  const lines = [
    `Ran ${report.ranAt} on ${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGiB} GiB, Node ${report.machine.node}; ` +
      `${report.settings.connections} connections for ${report.settings.durationSeconds} s per target.`,
    '',
    // A run of the renewal batch alone (--renewals-only) has no pages to show.
    ...(report.results.length > 0 ? [
      '| Target | req/s | × baseline (median; lowest–highest round) | p50 ms | p95 ms | p99 ms | errors | SQL queries / request | server CPU ms / request |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...report.results.map((r) => `| ${r.name} | ${r.rps} | ${ratioText(r)} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${r.errors} | ${r.queries} | ${r.cpuMs.toFixed(1)} |`),
      '',
    ] : []),
    ...(batches.length > 0 ? [
      '| Batch | done | seconds | per second | statements / item | passes | errors | peak heap growth | peak RSS |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...batches.map((b) => `| ${b.name} | ${b.items}${b.rateAllows !== undefined ? ` (rate allows ${b.rateAllows})` : ''} | ${b.seconds.toFixed(1)} | ${b.perSecond.toFixed(1)} | ${b.statementsPerItem.toFixed(1)} | ${b.passes} | ${b.errors} | ${b.peakHeapGrowthMiB !== undefined ? `${b.peakHeapGrowthMiB.toFixed(1)} MiB` : '—'} | ${b.peakRssMiB !== undefined ? `${b.peakRssMiB.toFixed(0)} MiB` : '—'} |`),
      '',
    ] : []),
    ...(report.firstLoadJs.length > 0 ? [
      '| Portal page | First-load JS (gzip) | raw |',
      '|---|---:|---:|',
      ...report.firstLoadJs.map((p) => `| ${p.page} | ${kb(p.gzipBytes)} | ${kb(p.bytes)} |`),
      '',
    ] : []),
  ];
  return lines.join('\n');
}
