import { readFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';

/**
 * The forms targets (issue 15): the filling page, and autosave as patients use it — each of N
 * people answering their own form, a save about every second (the filler saves ~800 ms after
 * typing stops). Each person has an assignment of their own, so every save names the revision
 * it follows and none is refused as stale: a stale refusal would be a cheap answer and flatter
 * the numbers.
 */

export const AUTOSAVE_USERS = 10;

/**
 * Open forms for the demo patient (Maria, acting for herself), one per simulated person: copies
 * of the general intake's published version, so the one-open-form-per-patient rule holds.
 * Idempotent: a rerun on kept data finds them and resets their answers.
 */
export async function prepareFormAssignments(databaseUrl: string, count: number): Promise<string[]> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    return await sql.begin(async (tx) => {
      const [source] = await tx`
        select t.tenant_id, t.document_type_id, v.definition, p.id as patient_id
        from form_templates t
        join form_template_versions v on v.tenant_id = t.tenant_id and v.template_id = t.id and v.version = t.published_version
        join tenants c on c.id = t.tenant_id
        join patients p on p.tenant_id = t.tenant_id and p.record_number = 'SUN-10001'
        where c.slug = 'sunrise' and t.starter_key = 'general-intake'`;
      if (!source) throw new Error('The demo clinic has no general intake form: seed the demo data first.');
      const ids: string[] = [];
      for (let i = 1; i <= count; i++) {
        const key = `bench-autosave-${i}`;
        const [template] = await tx`
          insert into form_templates (tenant_id, kind, title, document_type_id, published_version, starter_key)
          values (${source.tenant_id}, 'intake', ${`Bench intake ${i}`}, ${source.document_type_id}, 1, ${key})
          on conflict (tenant_id, starter_key) do update set title = excluded.title
          returning id`;
        await tx`
          insert into form_template_versions (tenant_id, template_id, version, definition)
          values (${source.tenant_id}, ${template!.id}, 1, ${tx.json(source.definition)})
          on conflict do nothing`;
        const [version] = await tx`select id from form_template_versions where tenant_id = ${source.tenant_id} and template_id = ${template!.id} and version = 1`;
        const [open] = await tx`
          select id from form_assignments
          where tenant_id = ${source.tenant_id} and patient_id = ${source.patient_id} and template_id = ${template!.id} and status in ('assigned', 'in_progress')`;
        const id = open?.id ?? (await tx`
          insert into form_assignments (tenant_id, patient_id, template_id, version_id, source)
          values (${source.tenant_id}, ${source.patient_id}, ${template!.id}, ${version!.id}, 'chart')
          returning id`)[0]!.id;
        // A fresh start for the run: no answers yet, so the first save names revision 0.
        await tx`delete from form_responses where tenant_id = ${source.tenant_id} and assignment_id = ${id}`;
        ids.push(id as string);
      }
      return ids;
    });
  } finally {
    await sql.end();
  }
}

/** The server action id of the portal's autosave, from the build's manifest. */
export function autosaveActionId(nextDir: string): string {
  const manifest = JSON.parse(readFileSync(path.join(nextDir, 'server', 'server-reference-manifest.json'), 'utf8')) as {
    node: Record<string, { exportedName?: string; filename?: string }>;
  };
  for (const [id, entry] of Object.entries(manifest.node)) {
    if (entry.exportedName === 'saveFormAnswersCall') return id;
  }
  throw new Error('saveFormAnswersCall is not in the build’s server-reference-manifest.json');
}

/** The answers a person has typed after `step` saves: the form fills up field by field. */
export function answersAfter(step: number): Record<string, string | boolean> {
  const answers: Record<string, string | boolean> = { emergency_name: `Person ${step}` };
  if (step > 0) answers['surgeries'] = `Appendix removed; note ${step}`;
  if (step > 1) answers['takes_medication'] = true;
  if (step > 2) answers['medications'] = `Salbutamol, ${step} puffs`;
  return answers;
}
