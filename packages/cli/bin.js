#!/usr/bin/env node
import module from "node:module";

// Node 22.1+ keeps compiled code of the modules below on disk: a faster start from the second run.
module.enableCompileCache?.();
// The bundle (scripts/bundle.ts), not dist/index.js: loading hundreds of modules was most of the
// start-up time. Each command's code is in chunks loaded when the command runs.
const { main } = await import("./dist/bundle/index.js");

process.exitCode = await main(process.argv.slice(2));
