import { Liquid, type Template } from 'liquidjs';
import { InputError } from '../errors.js';
import { normaliseLanguage } from './labels.js';
import type { Institution } from './variables.js';

/**
 * The "job completed" letter to the operator, as Alma's job notification: a layout (HTML
 * and text, templates/job-letter.*.liquid) and labels per language
 * (templates/labels/job-letter/<lang>.json, each label itself a small template). Parsed and
 * checked when loaded, rendered with strict variables, every value escaped in the HTML.
 */

/** What the letter tells of the job. */
export interface JobLetterSubject {
  id: string;
  name: string;
  type: string;
  status: string;
  set: string | null;
  submitted: string;
  ended: string;
  counters: Record<string, number>;
  /** Said after the counters (who was purged, notes). */
  lines: string[];
}

export interface JobLetterFiles {
  htmlFile: string;
  htmlSource: string;
  textFile: string;
  textSource: string;
  /** Per language: label name -> its text, and the file it came from. */
  labels: Map<string, { file: string; labels: Record<string, string> }>;
}

export const JOB_LETTER_LABELS = ['subject', 'greeting', 'intro', 'job', 'type', 'status', 'set', 'submitted', 'ended', 'counters', 'report'] as const;

export class JobLetterRenderer {
  private readonly html = new Liquid({ strictVariables: true, strictFilters: true, ownPropertyOnly: true, outputEscape: 'escape' });
  private readonly text = new Liquid({ strictVariables: true, strictFilters: true, ownPropertyOnly: true });
  private readonly htmlTpl: Template[];
  private readonly textTpl: Template[];
  private readonly labels = new Map<string, Map<string, Template[]>>();

  constructor(files: JobLetterFiles, private readonly institution: Institution, private readonly defaultLanguage: string) {
    this.htmlTpl = parse(this.html, files.htmlSource, files.htmlFile);
    this.textTpl = parse(this.text, files.textSource, files.textFile);
    for (const [language, { file, labels }] of files.labels) {
      const compiled = new Map<string, Template[]>();
      for (const name of JOB_LETTER_LABELS) {
        const t = labels[name];
        if (typeof t !== 'string') throw new InputError(`missing label ${name} of the job letter`, { file }, `add "${name}": "..." (see templates/labels/job-letter/en.json)`);
        compiled.set(name, parse(this.text, t, file));
      }
      this.labels.set(normaliseLanguage(language), compiled);
    }
    if (!this.labels.has('en') && !this.labels.has(normaliseLanguage(defaultLanguage))) {
      throw new InputError('no labels for the job letter', { file: 'templates/labels/job-letter/' }, 'add en.json (see the built-in templates folder)');
    }
  }

  render(job: JobLetterSubject, operator: { name: string; primary_id: string; preferred_language?: string | undefined }): { subject: string; text: string; html: string } {
    const wanted = [operator.preferred_language, this.defaultLanguage, 'en'].filter((l): l is string => !!l).map(normaliseLanguage);
    const language = wanted.find((l) => this.labels.has(l)) ?? wanted.map((l) => l.split('-')[0]!).find((l) => this.labels.has(l)) ?? 'en';
    const scope: Record<string, unknown> = {
      job: { ...job, lines: job.lines },
      counters: Object.entries(job.counters).map(([name, value]) => ({ name: name.replace(/_/g, ' '), value })),
      institution: this.institution,
      operator: { name: operator.name, primary_id: operator.primary_id },
      language,
    };
    const labels: Record<string, string> = {};
    for (const [name, tpl] of this.labels.get(language)!) labels[name] = (this.text.renderSync(tpl, scope) as string).trim();
    const full = { ...scope, labels, subject: labels.subject };
    return {
      subject: labels.subject!.replace(/[\r\n]+/g, ' '),
      text: this.text.renderSync(this.textTpl, full) as string,
      html: this.html.renderSync(this.htmlTpl, full) as string,
    };
  }
}

function parse(engine: Liquid, source: string, file: string): Template[] {
  try {
    return engine.parse(source, file);
  } catch (e) {
    throw new InputError(`the job letter does not parse: ${(e as Error).message.split('\n')[0]}`, { file }, 'fix the template (docs/jobs.md: The job letter)');
  }
}
