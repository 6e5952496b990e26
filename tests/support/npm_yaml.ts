/**
 * The `yaml` npm package, for tests only: a second opinion that the project's own PyYAML-style reader and
 * writer (lib/compat/) agree with a well-kept parser wherever YAML 1.1 and 1.2 agree.
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
