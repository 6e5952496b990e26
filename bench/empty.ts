// An empty script: the cost of starting Deno, the floor for the startup benchmarks.
