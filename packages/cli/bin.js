#!/usr/bin/env node
import module from "node:module";

// Node 22.1+ keeps compiled code of the modules below on disk: a faster start from the second run.
module.enableCompileCache?.();
const { main } = await import("./dist/index.js");

process.exitCode = await main(process.argv.slice(2));
