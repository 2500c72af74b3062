// JavaScript reference for the Java face pipeline: runs @vladmandic/face-api 1.7.15 (SSD MobileNet v1 detector,
// 68-point landmark net, recognition net) on the plain tfjs CPU backend, fully offline.
//
// usage: NODE_PATH=<reference>/node_modules node face-api-reference.cjs <model dir> < job.json > result.json
// job.json: [{"name": "...", "width": W, "height": H, "rgb": "/path/raw.rgb"}, ...]
//   raw.rgb holds W*H*3 bytes, row-major RGB: the pixels the Java side decoded, so both see identical input.
// result:   [{"name": "...", "faces": [{"score", "box": [x, y, w, h], "landmarks": [[x, y] x68],
//             "alignedBox": [x, y, w, h], "descriptor": [128 floats]}]}]
'use strict';

const fs = require('fs');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');

const { tf } = faceapi;

async function main() {
  const modelDir = process.argv[2];
  if (!modelDir) throw new Error('usage: face-api-reference.cjs <model dir> < job.json');
  await tf.setBackend(process.env.FACE_REFERENCE_BACKEND || 'cpu');
  await tf.ready();
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);
  const minConfidence = Number(process.env.FACE_REFERENCE_MIN_CONFIDENCE || 0.5);

  const job = JSON.parse(fs.readFileSync(0, 'utf8'));
  const results = [];
  for (const image of job) {
    const bytes = fs.readFileSync(image.rgb);
    if (bytes.length !== image.width * image.height * 3) {
      throw new Error(`${image.rgb}: ${bytes.length} bytes, expected ${image.width}x${image.height}x3`);
    }
    const input = tf.tensor3d(new Uint8Array(bytes), [image.height, image.width, 3], 'int32');
    const faces = await faceapi
      .detectAllFaces(input, new faceapi.SsdMobilenetv1Options({ minConfidence }))
      .withFaceLandmarks()
      .withFaceDescriptors();
    input.dispose();
    results.push({
      name: image.name,
      backend: tf.getBackend(),
      faces: faces.map((f) => {
        const aligned = f.landmarks.align(null, { useDlibAlignment: true });
        const b = f.detection.box;
        return {
          score: f.detection.score,
          box: [b.x, b.y, b.width, b.height],
          landmarks: f.landmarks.positions.map((p) => [p.x, p.y]),
          alignedBox: [aligned.x, aligned.y, aligned.width, aligned.height],
          descriptor: Array.from(f.descriptor),
        };
      }),
    });
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((e) => {
  process.stderr.write(`face-api-reference: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
