import { createServer, type Server } from 'node:http';

/** ${{ values.description }} */
export function createApp(): Server {
  return createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: 'ok', service: '${{ values.name }}' }));
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: 'not found' }));
  });
}

if (require.main === module) {
  const port = Number(process.env.PORT ?? ${{ values.port }});
  createApp().listen(port, () => console.log(`${{ values.name }} listening on ${port}`));
}
