// Nothing: the start-up suite's baseline is node running this through rss-wrapper, as the CLI runs.
export {};
