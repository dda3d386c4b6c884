// writeKeyval: validates and parses an HTTP-style request (API Gateway proxy shape: a JSON string `body` plus
// `headers`) into { key, value }. A bad request fails with errorType InvalidRequest, which the state machine
// catches and turns into a 400 response.
const KEY = /^[A-Za-z0-9._:-]{1,128}$/;

function invalid(message) {
  const err = new Error(message);
  err.name = 'InvalidRequest';
  return err;
}

export const handler = async (event) => {
  const headers = Object.fromEntries(Object.entries(event?.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const type = headers['content-type'];
  if (type !== undefined && !/^application\/json\b/i.test(String(type))) throw invalid(`Unsupported Content-Type: ${type}`);
  if (typeof event?.body !== 'string') throw invalid('The request has no body');
  let body;
  try {
    body = JSON.parse(event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body);
  } catch {
    throw invalid('The body is not valid JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('The body must be a JSON object');
  if (typeof body.key !== 'string' || !KEY.test(body.key)) throw invalid('"key" must be 1-128 characters of [A-Za-z0-9._:-]');
  if (!('value' in body)) throw invalid('"value" is required');
  return { key: body.key, value: body.value };
};
