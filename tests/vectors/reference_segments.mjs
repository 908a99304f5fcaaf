// Runs Twilio's reference segment calculator over a list of bodies.
//
//   node tests/vectors/reference_segments.mjs NODE_MODULES BODIES.json > RESULTS.json
//
// NODE_MODULES holds sms-segments-calculator 1.3.0 (npm install --prefix DIR
// sms-segments-calculator@1.3.0). BODIES.json is a JSON array of strings. The result is a JSON
// array with, for each body, [encoding, lengths]: the encoding the calculator chose with its
// default options and the length in code points of the text of each segment it built.
// tests/vectors/make_segment_vectors.py drives this script; it is not needed to run the tests.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(path.resolve(process.argv[2]) + path.sep);
const { SegmentedMessage } = require('sms-segments-calculator');
const version = require('sms-segments-calculator/package.json').version;
if (version !== '1.3.0') throw new Error(`expected sms-segments-calculator 1.3.0, found ${version}`);

const bodies = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const results = bodies.map((body) => {
  const message = new SegmentedMessage(body);
  // A segment holds header placeholders and encoded characters; only the characters carry text.
  const texts = message.segments.map((segment) => {
    let text = '';
    for (let i = 0; i < segment.length; i++) {
      if (typeof segment[i].raw === 'string') text += segment[i].raw;
    }
    return text;
  });
  if (texts.join('') !== body) throw new Error(`segments do not join back to ${JSON.stringify(body)}`);
  return [message.encodingName, texts.map((text) => [...text].length)];
});
process.stdout.write(JSON.stringify(results));
