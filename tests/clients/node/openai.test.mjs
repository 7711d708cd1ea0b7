// The official openai npm client against a running llm server serving the demo model.
// LLM_BASE_URL is the server's /v1 address (.ci/run starts the server and sets it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const baseURL = process.env.LLM_BASE_URL;
assert.ok(baseURL, 'LLM_BASE_URL must point at a running llm server, e.g. http://127.0.0.1:8080/v1');
const client = new OpenAI({ baseURL, apiKey: process.env.LLM_API_KEY ?? 'unused', maxRetries: 0 });
const chatReply = 'abcdefghijklmnopqrstuvwxyz.';
const hello = [{ role: 'user', content: 'hello' }];

test('chat completion returns the demo reply with usage', async () => {
  const completion = await client.chat.completions.create({ model: 'demo', messages: hello, temperature: 0 });
  assert.equal(completion.choices[0].message.content, chatReply);
  assert.equal(completion.choices[0].finish_reason, 'stop');
  assert.equal(completion.usage.completion_tokens, chatReply.length);
  assert.equal(typeof completion.created, 'number');
});

test('streamed chat deltas add up to the reply, with a usage chunk', async () => {
  const stream = await client.chat.completions.create({
    model: 'demo', messages: hello, temperature: 0, max_tokens: 5, stream: true, stream_options: { include_usage: true },
  });
  let text = '';
  let finish = null;
  let usage = null;
  for await (const chunk of stream) {
    if (chunk.choices.length > 0) {
      text += chunk.choices[0].delta.content ?? '';
      finish = chunk.choices[0].finish_reason ?? finish;
    }
    usage = chunk.usage ?? usage;
  }
  assert.equal(text, 'abcde');
  assert.equal(finish, 'length');
  assert.equal(usage.completion_tokens, 5);
});

test('the stream() helper assembles the final completion', async () => {
  const runner = client.chat.completions.stream({ model: 'demo', messages: hello, temperature: 0 });
  const final = await runner.finalChatCompletion();
  assert.equal(final.choices[0].message.content, chatReply);
  assert.equal(final.choices[0].message.role, 'assistant');
});

test('legacy completions, plain and streamed', async () => {
  const completion = await client.completions.create({ model: 'demo', prompt: 'hello', temperature: 0, max_tokens: 50 });
  assert.equal(completion.object, 'text_completion');
  assert.equal(completion.choices[0].text, 'pqrstuvwxyz.');
  let text = '';
  const stream = await client.completions.create({ model: 'demo', prompt: '7', temperature: 0, max_tokens: 6, stream: true });
  for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
  assert.equal(text, '890123');
});

test('embeddings arrive as unit vectors (the client asks for base64)', async () => {
  const result = await client.embeddings.create({ model: 'demo', input: ['hello', 'world'] });
  assert.equal(result.data.length, 2);
  const vector = result.data[0].embedding;
  assert.equal(vector.length, 512);
  const norm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0));
  assert.ok(Math.abs(norm - 1) < 1e-4, `norm ${norm}`);
});

test('models are listed', async () => {
  const ids = [];
  for await (const model of client.models.list()) ids.push(model.id);
  assert.ok(ids.includes('demo'));
});

test('errors surface as the right classes', async () => {
  const stranger = new OpenAI({ baseURL, apiKey: 'wrong-key', maxRetries: 0 });
  await assert.rejects(stranger.chat.completions.create({ model: 'demo', messages: hello }), (e) => {
    assert.ok(e instanceof OpenAI.AuthenticationError);
    assert.equal(e.status, 401);
    assert.equal(e.code, 'invalid_api_key');
    return true;
  });
  await assert.rejects(client.chat.completions.create({ model: 'demo', messages: hello, temperature: 5 }), (e) => {
    assert.ok(e instanceof OpenAI.BadRequestError);
    assert.equal(e.status, 400);
    assert.equal(e.param, 'temperature');
    return true;
  });
  await assert.rejects(client.chat.completions.create({ model: 'missing', messages: hello }), (e) => {
    assert.ok(e instanceof OpenAI.NotFoundError);
    assert.equal(e.code, 'model_not_found');
    return true;
  });
});

test('streamed tool calls assemble through the stream() helper', async () => {
  const tools = [{
    type: 'function',
    function: { name: 'get_time', parameters: { type: 'object', properties: { utc: { type: 'boolean' } }, required: ['utc'] } },
  }];
  const runner = client.chat.completions.stream({
    model: 'demo', messages: [{ role: 'user', content: 'time?' }], tools, tool_choice: 'required',
    parallel_tool_calls: false, temperature: 1, seed: 2, max_tokens: 200,
  });
  const final = await runner.finalChatCompletion();
  const choice = final.choices[0];
  assert.equal(choice.finish_reason, 'tool_calls');
  assert.equal(choice.message.tool_calls.length, 1);
  const call = choice.message.tool_calls[0];
  assert.equal(call.function.name, 'get_time');
  assert.equal(typeof JSON.parse(call.function.arguments).utc, 'boolean');
});
