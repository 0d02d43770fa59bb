// Ends an HTTP server with a WebSocket endpoint, and the service behind it: every client dropped at once
// (a browser that does not read must not hold shutdown up), the listener closed, then the service. serve
// and the desktop helper (electron/helper/) stop the same way.
import type { Server } from 'node:http';
import type { WebSocketServer } from 'ws';

export async function shutDown(server: Server, wss: WebSocketServer, service: { close(): Promise<void> }): Promise<void> {
  for (const client of wss.clients) client.terminate();
  wss.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await service.close();
}
