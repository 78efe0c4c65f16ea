import { Liquid, type Template } from 'liquidjs';
import type { CodeBook } from '../codes.js';
import { today } from '../dates.js';
import { InputError, UsageError, type SourcePosition } from '../errors.js';
import type { User } from '../user.js';
import { normaliseLanguage, type LabelText, type LanguageLabels, type TypeLabels } from './labels.js';
import {
  LETTER_VARIABLES, LIST_VARIABLES, PASSWORD_TYPE, userVariables, type Institution,
} from './variables.js';

/** What a letter is rendered from. The password is given only for NOTIFY_PASSWORD_CHANGE. */
export interface LetterInput {
  user: User;
  type: string;
  password?: string | undefined;
  jobId?: string | null | undefined;
  /** YYYY-MM-DD; today by default. */
  date?: string | undefined;
}

export interface RenderedLetter {
  subject: string;
  html: string;
  text: string;
  /** The language whose labels were used. */
  language: string;
}

export interface NotificationTypeInfo {
  code: string;
  description: string | undefined;
  carries_password: boolean;
  /** Languages with a subject for this type, the default language first when present. */
  languages: string[];
}

/** Shown instead of a temporary password wherever a letter is shown and not sent. */
export const SAMPLE_PASSWORD = 'Xy3…(sample)';

interface Compiled {
  tpl: Template[];
  where: SourcePosition;
  /** Uses only what every letter of a job shares (LETTER_WIDE): its last text is kept, with what it was rendered for. */
  shared: boolean;
  cached?: { for: string; text: string };
}

interface CompiledType {
  subject: Compiled;
  lines: Compiled[];
}

interface CompiledLanguage {
  language: string;
  file: string;
  common: Map<string, Compiled>;
  types: Map<string, CompiledType>;
}

export interface RendererParts {
  templatesDir: string;
  htmlFile: string;
  htmlSource: string;
  textFile: string;
  textSource: string;
  labels: Map<string, LanguageLabels>;
  defaultLanguage: string;
  institution: Institution;
  codes: CodeBook;
}

/**
 * What is the same in every letter of a job: a label that uses nothing else (the subject,
 * the footer with its date) reads the same in each, and is rendered once per job, type,
 * date and language instead of once per letter.
 */
const LETTER_WIDE = new Set(['institution', 'type', 'job_id', 'date', 'language']);

/**
 * LiquidJS's own bounds, so a label with nested loops or a huge template fails at once with a
 * message instead of hanging a job: a letter renders in well under a millisecond.
 */
export const RENDER_LIMITS = {
  /** Characters of template parsed at once. */
  parseLimit: 1_000_000,
  /**
   * Milliseconds one render may take. LiquidJS counts wall time, so the bound is far above a
   * letter's (under a millisecond): a machine stalled by other work must not stop a job at
   * 2 a.m., while a template that loops for ever is still stopped (in preflight, on its sample).
   */
  renderLimit: 3_000,
  /** Units (characters, array items) a render may allocate: ranges, loops, joins, output. */
  memoryLimit: 10_000_000,
} as const;

/**
 * The User Notifications Letter. Everything is parsed and checked when it is built, so
 * render() only fills in values: it is synchronous and runs inside a bulk's transaction.
 */
export class LetterRenderer {
  readonly defaultLanguage: string;
  readonly templatesDir: string;
  private readonly html: Liquid;
  private readonly text: Liquid;
  private readonly htmlTpl: Template[];
  private readonly textTpl: Template[];
  private readonly htmlFile: string;
  private readonly textFile: string;
  private readonly languages = new Map<string, CompiledLanguage>();
  private readonly institution: Institution;
  private readonly codes: CodeBook;
  /** The labels.X names the layouts use: every language must be able to supply them. */
  private readonly layoutLabels = new Map<string, SourcePosition>();

  constructor(parts: RendererParts) {
    this.templatesDir = parts.templatesDir;
    this.institution = parts.institution;
    this.codes = parts.codes;
    this.defaultLanguage = normaliseLanguage(parts.defaultLanguage);
    this.htmlFile = parts.htmlFile;
    this.textFile = parts.textFile;
    const base = {
      // Includes and renders resolve inside the templates folder only (LiquidJS checks the real path).
      root: [parts.templatesDir], partials: [parts.templatesDir], layouts: [parts.templatesDir], relativeReference: false, cache: true,
      strictVariables: true, strictFilters: true, ownPropertyOnly: true,
      ...RENDER_LIMITS,
    };
    // The HTML part escapes every value unless a template says `| raw`; the text part escapes nothing.
    this.html = new Liquid({ ...base, outputEscape: 'escape' });
    this.text = new Liquid(base);

    this.htmlTpl = this.parse(this.html, parts.htmlSource, { file: parts.htmlFile }, 'layout');
    this.textTpl = this.parse(this.text, parts.textSource, { file: parts.textFile }, 'layout');

    for (const lang of parts.labels.values()) this.languages.set(lang.language, this.compileLanguage(lang));
    const fallback = this.languages.get(this.defaultLanguage);
    if (!fallback) {
      throw new InputError(`no labels for the default language ${this.defaultLanguage}`,
        { file: `${parts.templatesDir}/labels/${this.defaultLanguage}.json` },
        `add that file, or choose another: alma-users config set letters.default_language LANG (have: ${[...this.languages.keys()].join(', ') || 'none'})`);
    }
    // A translation may leave a label out: the default language's is used.
    for (const lang of this.languages.values()) {
      if (lang !== fallback) lang.common = new Map([...fallback.common, ...lang.common]);
    }
    for (const [name, usedAt] of this.layoutLabels) {
      if (name === 'subject' || name === 'lines') continue;
      if (!fallback.common.has(name)) {
        throw new InputError(`missing label common.${name} (used at ${usedAt.file}:${usedAt.line})`, { file: fallback.file },
          `add "${name}" to "common" in ${fallback.file}`);
      }
    }
  }

  /** The notification types of the code table, with the languages that have their labels. */
  types(): NotificationTypeInfo[] {
    return this.codes.codes('notification_type').map((c) => ({
      code: c.code,
      description: c.description,
      carries_password: c.code === PASSWORD_TYPE,
      languages: [...this.languages.values()]
        .filter((l) => l.types.has(c.code))
        .map((l) => l.language)
        .sort((a, b) => (a === this.defaultLanguage ? -1 : b === this.defaultLanguage ? 1 : a.localeCompare(b))),
    }));
  }

  /** Whether letters of this type carry a temporary password (NOTIFY_PASSWORD_CHANGE). */
  carriesPassword(type: string): boolean {
    return type === PASSWORD_TYPE;
  }

  /** The language whose labels a user's letter uses: preferred_language, else its base, else the default. */
  languageFor(user: Pick<User, 'preferred_language'>): string {
    const wanted = user.preferred_language ? normaliseLanguage(user.preferred_language) : undefined;
    if (wanted) {
      if (this.languages.has(wanted)) return wanted;
      const base = wanted.split('-')[0]!;
      if (this.languages.has(base)) return base;
    }
    return this.defaultLanguage;
  }

  /**
   * Preflight of a job: the type exists and its letter renders for this user. Throws
   * UsageError for an unknown type, InputError (file and line) for a letter that fails.
   */
  check(type: string, sampleUser: User): void {
    this.typeLabels(type, this.defaultLanguage);
    this.render({ user: sampleUser, type, password: this.carriesPassword(type) ? SAMPLE_PASSWORD : undefined, jobId: 'preflight' });
  }

  render(input: LetterInput): RenderedLetter {
    const { user, type } = input;
    const carries = this.carriesPassword(type);
    if (carries && !input.password) throw new UsageError(`a ${type} letter needs the temporary password it carries`);
    if (!carries && input.password !== undefined) throw new UsageError(`a ${type} letter carries no password`);
    const language = this.languageFor(user);
    const labels = this.typeLabels(type, language);
    const scope: Record<string, unknown> = {
      user: userVariables(user, this.codes),
      type: { code: type, description: this.codes.get('notification_type', type)?.description ?? type },
      password: input.password ?? null,
      institution: this.institution,
      job_id: input.jobId ?? null,
      date: input.date ?? today(),
      language,
    };
    const secret = input.password;
    // The letter-wide values (the institution is the renderer's own), null apart from ''.
    const wide = JSON.stringify([type, scope.job_id, scope.date, language]);
    const rendered: Record<string, unknown> = {};
    for (const [name, c] of this.commonLabels(language)) rendered[name] = this.renderLabel(c, scope, wide, secret);
    const subject = this.renderLabel(labels.subject, scope, wide, secret).replace(/\s+/g, ' ').trim();
    rendered.subject = subject;
    rendered.lines = labels.lines.map((c) => this.renderLabel(c, scope, wide, secret));
    const layoutScope = { ...scope, labels: rendered, subject };
    return {
      subject,
      html: this.renderWith(this.html, this.htmlTpl, layoutScope, { file: this.htmlFile }, secret),
      text: this.renderWith(this.text, this.textTpl, layoutScope, { file: this.textFile }, secret),
      language,
    };
  }

  private typeLabels(type: string, language: string): CompiledType {
    if (!this.codes.has('notification_type', type)) {
      throw new UsageError(`unknown notification type ${type}`, this.codes.validList('notification_type'));
    }
    const found = this.languages.get(language)?.types.get(type) ?? this.languages.get(this.defaultLanguage)!.types.get(type);
    if (!found) {
      const file = this.languages.get(this.defaultLanguage)!.file;
      throw new InputError(`missing label: no subject and lines for notification type ${type}`, { file },
        `add "${type}": {"subject": "...", "lines": ["..."]} under "types", or: alma-users letters add-type ${type} --subject TEXT`);
    }
    return found;
  }

  private commonLabels(language: string): Map<string, Compiled> {
    return (this.languages.get(language) ?? this.languages.get(this.defaultLanguage)!).common;
  }

  private renderLabel(c: Compiled, scope: object, wide: string, secret: string | undefined): string {
    if (c.cached?.for === wide) return c.cached.text;
    const text = this.renderWith(this.text, c.tpl, scope, c.where, secret);
    if (c.shared) c.cached = { for: wide, text };
    return text;
  }

  private renderWith(engine: Liquid, tpl: Template[], scope: object, where: SourcePosition, secret: string | undefined): string {
    try {
      return engine.renderSync(tpl, scope) as string;
    } catch (e) {
      throw liquidError(e, where, secret);
    }
  }

  private compileLanguage(lang: LanguageLabels): CompiledLanguage {
    const common = new Map<string, Compiled>();
    for (const [name, label] of lang.common) common.set(name, this.compileLabel(label, 'common'));
    const types = new Map<string, CompiledType>();
    for (const [code, t] of lang.types) types.set(code, this.compileType(code, t));
    return { language: lang.language, file: lang.file, common, types };
  }

  private compileType(code: string, t: TypeLabels): CompiledType {
    return {
      subject: this.compileLabel(t.subject, 'subject'),
      lines: t.lines.map((l) => this.compileLabel(l, code === PASSWORD_TYPE ? 'password-lines' : 'lines')),
    };
  }

  private compileLabel(label: LabelText, kind: 'common' | 'subject' | 'lines' | 'password-lines'): Compiled {
    const tpl = this.parse(this.text, label.text, label.where, kind);
    const globals = Object.keys(this.text.analyzeSync(tpl).globals);
    return { tpl, where: label.where, shared: globals.every((g) => LETTER_WIDE.has(g)) };
  }

  /**
   * Parses a template and checks every variable it names against the letter's variables,
   * so a misspelt name is found when the letter is loaded, not halfway through a job.
   */
  private parse(engine: Liquid, source: string, where: SourcePosition, kind: 'layout' | 'common' | 'subject' | 'lines' | 'password-lines'): Template[] {
    let tpl: Template[];
    let analysis: ReturnType<Liquid['analyzeSync']>;
    try {
      tpl = engine.parse(source, where.file);
      // The analysis reads what the template includes: a file outside the folder fails here.
      analysis = engine.analyzeSync(tpl);
    } catch (e) {
      throw liquidError(e, where, undefined);
    }
    for (const [name, uses] of Object.entries(analysis.globals)) {
      for (const v of uses) {
        const at: SourcePosition = { file: where.file, line: (where.line ?? 1) + (v.location.row - 1) };
        const segments = v.segments.map(String);
        const shown = segments.join('.');
        if (name === 'labels' || name === 'subject') {
          if (kind !== 'layout') throw new InputError(`unknown variable ${shown}: labels cannot use other labels`, at);
          if (name === 'labels') {
            const label = segments[1];
            if (label === undefined) throw new InputError('use one label at a time, e.g. labels.greeting', at);
            if (!this.layoutLabels.has(label)) this.layoutLabels.set(label, at);
          }
          continue;
        }
        if (name === 'password' && kind !== 'layout' && kind !== 'password-lines') {
          throw new InputError(
            `the temporary password may appear only in the body of a ${PASSWORD_TYPE} letter` +
              (kind === 'subject' ? ' (a subject stays in the store and in mail list after sending)' : ''),
            at, 'use {{ password }} in the lines of that type, or in the layout');
        }
        const members = LETTER_VARIABLES[name];
        if (members === undefined) {
          throw new InputError(`unknown variable ${shown}`, at,
            `letters can use: ${Object.keys(LETTER_VARIABLES).join(', ')}${kind === 'layout' ? ', labels, subject' : ''} (README: Letters and mail)`);
        }
        const member = segments[1];
        if (members === null) {
          if (member !== undefined) throw new InputError(`unknown variable ${shown}: ${name} has no members`, at);
          continue;
        }
        if (member !== undefined && !members.includes(member)) {
          throw new InputError(`unknown variable ${shown}`, at, `${name} has: ${members.join(', ')}`);
        }
        if (segments.length > 2 && !LIST_VARIABLES.has(`${name}.${member}`)) {
          throw new InputError(`unknown variable ${shown}: ${name}.${member} has no members`, at);
        }
      }
    }
    return tpl;
  }
}

/** A LiquidJS error as an InputError naming the file and line; a password never rides along. */
function liquidError(e: unknown, where: SourcePosition, secret: string | undefined): InputError {
  if (e instanceof InputError || e instanceof UsageError) return e as InputError;
  const err = e as Error & { token?: { getPosition?: () => [number, number] } };
  const row = err.token?.getPosition?.()[0];
  const line = row === undefined ? where.line : (where.line ?? 1) + row - 1;
  // LiquidJS appends its own position (and source excerpt); ours names the real file.
  let message = err.message.split('\n')[0]!.replace(/,? ?(file:\S+,? ?)?line:\d+, col:\d+$/, '');
  const lookup = /ENOENT: Failed to lookup "([^"]*)"/.exec(message);
  if (lookup) message = `a letter may include only files of the templates folder; "${lookup[1]}" is not one of them`;
  else if (/limit exceeded/i.test(message)) message = `${message}: the template does too much work for a letter (loops too long or nested?)`;
  if (secret) message = message.split(secret).join('[password]');
  return new InputError(message, { file: where.file, line }, 'fix the template (README: Letters and mail)');
}
