/**
 * What template and fragment loaders are: the functions plugins register for `-t prefix:rest` and
 * `-f prefix:arg`. Here, below templates, fragments and plugins, so that each of them can name them.
 * @module
 */

/** A template as a loader returns it (the fields of a template YAML file). */
export type LoadedTemplate = Record<string, unknown>;

/** Loads a template for `-t prefix:rest`; throws to report a failure. */
export type TemplateLoader = (rest: string) => LoadedTemplate | Promise<LoadedTemplate>;

/** A fragment: its text and where it came from. */
export interface FragmentData {
  /** The text. */
  content: string;
  /** Where it came from (a URL, a path, `prefix:arg`). */
  source: string;
}

/** An attachment a fragment loader may return instead of text. */
export interface AttachmentLoad {
  /** MIME type. */
  type?: string;
  /** Path of a local file. */
  path?: string;
  /** URL. */
  url?: string;
  /** Inline bytes. */
  content?: Uint8Array;
}

/** Loads fragments for `-f prefix:arg`; throws to report a failure. */
export type FragmentLoader = (
  arg: string,
) =>
  | FragmentData
  | AttachmentLoad
  | (FragmentData | AttachmentLoad)[]
  | Promise<
    FragmentData | AttachmentLoad | (FragmentData | AttachmentLoad)[]
  >;
