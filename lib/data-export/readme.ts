import 'server-only';
import type { Locale } from '@/lib/i18n/core';

/**
 * README.txt at the top of the ZIP, in the language of the person who asked: what each part is,
 * and how to check a file against the digest written beside it.
 */

export interface ReadmeInput {
  clinicName: string;
  generatedAt: Date;
  /** Counts per kind of record in the Bundle. */
  counts: { appointments: number; documents: number; forms: number; messages: number; invoices: number; people: number };
  files: { path: string; size: number; sha256Hex: string }[];
  /** Records whose file could not be found in storage. */
  missing: string[];
  /** Whether the export leaves out parts the person's access does not reach (a proxy). */
  partial: boolean;
}

const TEXTS: Record<Locale, {
  title: (clinic: string) => string;
  made: (iso: string) => string;
  intro: string[];
  counts: (c: ReadmeInput['counts']) => string[];
  filesHeading: string;
  noFiles: string;
  missingHeading: string;
  partial: string;
  verify: string[];
}> = {
  en: {
    title: (clinic) => `Your data from ${clinic}`,
    made: (iso) => `Made on ${iso} (UTC).`,
    intro: [
      'bundle.json is your record as a FHIR R4 Bundle (https://hl7.org/fhir/R4/), the standard format',
      'health systems use to exchange records: your details, the people linked to you, appointments,',
      'documents, form answers, messages and invoices. Another clinic or app that reads FHIR can import it.',
      'The files folder holds the original files of your documents, message attachments and form uploads;',
      'each document in bundle.json points at its file here.',
    ],
    counts: (c) => [
      `Appointments: ${c.appointments}`, `Documents: ${c.documents}`, `Form answers: ${c.forms}`,
      `Messages: ${c.messages}`, `Invoices: ${c.invoices}`, `People linked to the record: ${c.people}`,
    ],
    filesHeading: 'Files (size in bytes, SHA-256):',
    noFiles: 'There are no files in this export.',
    missingHeading: 'These records point at a file the clinic no longer stores; ask the clinic for a copy:',
    partial: 'This export holds the parts of the record your access reaches; the patient can export the whole record.',
    verify: [
      'To check a file was not changed, compare its SHA-256 with the one above',
      '(macOS and Linux: shasum -a 256 <file>; Windows: certutil -hashfile <file> SHA256).',
    ],
  },
  es: {
    title: (clinic) => `Sus datos de ${clinic}`,
    made: (iso) => `Generado el ${iso} (UTC).`,
    intro: [
      'bundle.json es su historial como un Bundle FHIR R4 (https://hl7.org/fhir/R4/), el formato estándar',
      'con el que los sistemas de salud intercambian historiales: sus datos, las personas vinculadas a usted,',
      'citas, documentos, respuestas a formularios, mensajes y facturas. Otra clínica o aplicación que lea',
      'FHIR puede importarlo. La carpeta files contiene los archivos originales de sus documentos, de los',
      'adjuntos de mensajes y de los formularios; cada documento de bundle.json apunta a su archivo aquí.',
    ],
    counts: (c) => [
      `Citas: ${c.appointments}`, `Documentos: ${c.documents}`, `Respuestas a formularios: ${c.forms}`,
      `Mensajes: ${c.messages}`, `Facturas: ${c.invoices}`, `Personas vinculadas al historial: ${c.people}`,
    ],
    filesHeading: 'Archivos (tamaño en bytes, SHA-256):',
    noFiles: 'Esta exportación no contiene archivos.',
    missingHeading: 'Estos registros apuntan a un archivo que la clínica ya no guarda; pida una copia a la clínica:',
    partial: 'Esta exportación contiene las partes del historial a las que usted tiene acceso; el paciente puede exportar el historial completo.',
    verify: [
      'Para comprobar que un archivo no cambió, compare su SHA-256 con el de arriba',
      '(macOS y Linux: shasum -a 256 <archivo>; Windows: certutil -hashfile <archivo> SHA256).',
    ],
  },
};

export function readmeText(locale: Locale, input: ReadmeInput): string {
  const t = TEXTS[locale];
  const lines = [
    t.title(input.clinicName),
    t.made(input.generatedAt.toISOString().slice(0, 19).replace('T', ' ')),
    '',
    ...t.intro,
    '',
    ...t.counts(input.counts),
    ...(input.partial ? ['', t.partial] : []),
    '',
    input.files.length ? t.filesHeading : t.noFiles,
    ...input.files.map((f) => `  ${f.path}  ${f.size}  ${f.sha256Hex}`),
    ...(input.missing.length ? ['', t.missingHeading, ...input.missing.map((m) => `  ${m}`)] : []),
    '',
    ...t.verify,
    '',
  ];
  // Windows Notepad opens CRLF text files cleanly; every other reader too.
  return lines.join('\r\n');
}
