// Bot API emulator for the end-to-end tests: telegram-test-api plus three things it lacks.
//
//   node emulator.js PORT      prints "READY PORT" once listening; stops on SIGTERM/SIGINT.
//
// Added routes (client side, JSON bodies):
//   POST /sendChannelPost {botToken, ...message}     a `channel_post` update for the bot
//   POST /uploadFile      {name, base64}             -> {ok, result: {file_id, file_size}}
//   POST /failNext        {method, chatId?, status, body, times?, delayMs?}
//                         the bot's next call(s) of `method` (for that chat) get this answer,
//                         after delayMs (longer than the bot's read timeout: a timeout)
// Added Bot API methods: getFile, and file downloads under /file/bot<token>/<file_path>.
'use strict';

const TelegramServer = require('telegram-test-api');

const port = Number(process.argv[2]);
if (!port) {
  console.error('usage: node emulator.js PORT');
  process.exit(2);
}

const server = new TelegramServer({ port, host: '127.0.0.1', storage: 'RAM', storeTimeout: 600 });

// channel posts: stored like user messages, formatted as `channel_post` updates
const formatUpdate = TelegramServer.formatUpdate;
TelegramServer.formatUpdate = (update) => {
  if ('channelPost' in update) {
    return { update_id: update.updateId, channel_post: { ...update.channelPost, message_id: update.messageId } };
  }
  return formatUpdate(update);
};

const files = new Map(); // file_id -> Buffer
const faults = []; // {method, chatId, status, body, times}

function readBody(req) {
  return new Promise((resolve) => {
    const parts = [];
    req.on('data', (part) => parts.push(part));
    req.on('end', () => {
      const raw = Buffer.concat(parts).toString('utf8');
      if ((req.headers['content-type'] || '').includes('application/json')) {
        resolve(raw ? JSON.parse(raw) : {});
      } else {
        resolve(Object.fromEntries(new URLSearchParams(raw)));
      }
    });
  });
}

function reply(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
  return true; // handled here
}

async function extra(req, res) {
  const path = req.url.split('?')[0];
  if (req.method === 'POST' && path === '/sendChannelPost') {
    const { botToken, ...message } = await readBody(req);
    await server.addUserUpdate({ ...server.getCommonFields(botToken), channelPost: message });
    server.messageId++;
    return reply(res, 200, { ok: true, result: null });
  }
  if (req.method === 'POST' && path === '/uploadFile') {
    const { name, base64 } = await readBody(req);
    const data = Buffer.from(base64, 'base64');
    const fileId = `file${files.size + 1}`;
    files.set(fileId, data);
    return reply(res, 200, { ok: true, result: { file_id: fileId, file_unique_id: `u${fileId}`, file_name: name, file_size: data.length } });
  }
  if (req.method === 'POST' && path === '/failNext') {
    const fault = await readBody(req);
    faults.push({ times: 1, ...fault });
    return reply(res, 200, { ok: true, result: null });
  }
  let match = path.match(/^\/bot[^/]+\/getFile$/);
  if (match) {
    const { file_id: fileId } = await readBody(req);
    if (!files.has(fileId)) return reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' });
    const size = files.get(fileId).length;
    return reply(res, 200, { ok: true, result: { file_id: fileId, file_unique_id: `u${fileId}`, file_size: size, file_path: `documents/${fileId}` } });
  }
  match = path.match(/^\/file\/bot[^/]+\/documents\/(\w+)$/);
  if (match) {
    const data = files.get(match[1]);
    if (!data) return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length });
    res.end(data);
    return true;
  }
  match = path.match(/^\/bot[^/]+\/(\w+)$/);
  if (match && faults.length) {
    const index = faults.findIndex((f) => f.method === match[1]);
    if (index >= 0) {
      const body = await readBody(req);
      const fault = faults[index];
      if (fault.chatId === undefined || String(fault.chatId) === String(body.chat_id)) {
        fault.times -= 1;
        if (fault.times <= 0) faults.splice(index, 1);
        if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        return reply(res, fault.status, fault.body);
      }
      // not for this chat: replay the request into the emulator with the body already parsed
      req.body = body;
      req._body = true;
    }
  }
  return false;
}

const app = server.webServer;
function handle(req, res) {
  extra(req, res)
    .then((handled) => { if (!handled) app(req, res); })
    .catch((error) => reply(res, 500, { message: String(error) }));
}
handle.settings = app.settings; // start() logs settings.env
server.webServer = handle;

server.start().then(() => {
  console.log(`READY ${port}`);
}).catch((error) => {
  console.error(`cannot listen on 127.0.0.1:${port}: ${error.message}`);
  process.exit(3);
});

function stop() {
  server.stop().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
