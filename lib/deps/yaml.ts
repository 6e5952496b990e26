/**
 * The one place that loads the `yaml` package, lazily: templates and other YAML files need it.
 * @module
 */

/** The `yaml` module. */
export type YamlModule = typeof import("npm:yaml@^2.8");

let cached: Promise<YamlModule> | undefined;

/** Imports the `yaml` package on first use. */
export function loadYaml(): Promise<YamlModule> {
  cached ??= import("npm:yaml@^2.8");
  return cached;
}
