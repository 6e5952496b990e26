/**
 * The errors of finding and loading templates, in a module of their own: `mod.ts` exports them without
 * loading the loader (see lib/library/templates.ts).
 * @module
 */
import { LlmError } from "../models/errors.ts";

/** A template that could not be found or read: no such name, a bad URL, a failing loader, broken YAML. */
export class TemplateLoadError extends LlmError {
  /** The name, path, URL or `prefix:rest` asked for. */
  readonly template: string;
  /** Creates the error for `template`. */
  constructor(template: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.template = template;
  }
}

/** No template file has this name (and it is not a path, URL or `prefix:rest`). */
export class NoSuchTemplateError extends TemplateLoadError {
  /** Creates the error for `name`, looked for at `path`. */
  constructor(name: string, path: string) {
    super(name, `Invalid template: ${name}. There is no file ${path}`);
  }
}

/** A template name that leads out of the templates directory, such as `../../notes`. */
export class TemplateNameEscapesError extends TemplateLoadError {
  /** Creates the error for `name`, which would leave `dir`. */
  constructor(name: string, dir: string) {
    super(
      name,
      `Template name '${name}' leads outside the templates directory ${dir}: give a template name such as ` +
        "'summarize', or the path of an existing file",
    );
  }
}
