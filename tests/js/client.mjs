// The graphql-ws npm client against a running Cadence, driven by tests/api/ws_protocol.rs.
// Usage: node client.mjs <ws url> <token>
// Prints one JSON object per line on stdout:
//   {"refused": <close code>, "reason": "..."}  a connection_init with a forged token
//   {"subscribed": true}                          the good client is acknowledged
//   {"event": "<meeting id>"}                     each meetingChanged event, until stdin ends
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, token] = process.argv.slice(2);
const say = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

// A forged token: the operation fails with the server's close event.
await new Promise((resolve) => {
  const forged = createClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { Authorization: 'Bearer not-a-token' },
  });
  forged.subscribe(
    { query: '{ __typename }' },
    {
      next: () => say({ unexpected: 'an answer' }),
      error: (event) => {
        say({ refused: event.code, reason: event.reason });
        forged.dispose();
        resolve();
      },
      complete: () => resolve(say({ unexpected: 'complete' })),
    },
  );
});

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  retryAttempts: 0,
  connectionParams: { Authorization: `Bearer ${token}` },
  on: { connected: () => say({ subscribed: true }) },
});
const stop = client.subscribe(
  { query: 'subscription { meetingChanged { id } }' },
  {
    next: (result) => {
      if (result.errors) say({ errors: result.errors });
      else say({ event: result.data.meetingChanged.id });
    },
    error: (error) => {
      say({ error: String(error?.code ?? error) });
      process.exit(1);
    },
    complete: () => {},
  },
);
// The test ends the client by closing its stdin.
process.stdin.resume();
process.stdin.on('end', async () => {
  stop();
  await client.dispose();
  process.exit(0);
});
