// JavaScript reference for the Java face pipeline: runs @vladmandic/face-api 1.7.15 (SSD MobileNet v1 detector,
// 68-point landmark net, recognition net) on the plain tfjs CPU backend, fully offline.
//
// usage: NODE_PATH=<reference>/node_modules node face-api-reference.cjs <model dir> < job.json > result.json
// job.json: [{"name": "...", "width": W, "height": H, "rgb": "/path/raw.rgb"}, ...]
//   raw.rgb holds W*H*3 bytes, row-major RGB: the pixels the Java side decoded, so both see identical input.
// result:   [{"name": "...", "faces": [{"score", "box": [x, y, w, h], "landmarks": [[x, y] x68],
//             "alignedBox": [x, y, w, h], "descriptor": [128 floats], "confirmed": bool}],
//             "tiny": {"<input size>": [{"score", "box"}]}}]
//   faces: face-api's detectAllFaces(SSD MobileNet v1).withFaceLandmarks().withFaceDescriptors();
//   tiny: face-api's tiny face detector at each input size; "confirmed": at some size a tiny box overlaps the face's
//   box at IoU >= the minimum (the confirmation rule of the Java FaceAnalyzer).
// env: FACE_REFERENCE_MIN_CONFIDENCE (0.5), FACE_REFERENCE_TINY_INPUTS (416,608), FACE_REFERENCE_TINY_MIN_SCORE
//      (0.5), FACE_REFERENCE_MIN_OVERLAP (0.3), FACE_REFERENCE_BACKEND (cpu)
'use strict';

const fs = require('fs');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');

const { tf } = faceapi;

function iou(a, b) {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const union = a.width * a.height + b.width * b.height - w * h;
  return union <= 0 ? 0 : (w * h) / union;
}

async function main() {
  const modelDir = process.argv[2];
  if (!modelDir) throw new Error('usage: face-api-reference.cjs <model dir> < job.json');
  await tf.setBackend(process.env.FACE_REFERENCE_BACKEND || 'cpu');
  await tf.ready();
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);
  await faceapi.nets.tinyFaceDetector.loadFromDisk(modelDir);
  const minConfidence = Number(process.env.FACE_REFERENCE_MIN_CONFIDENCE || 0.5);
  const tinySizes = (process.env.FACE_REFERENCE_TINY_INPUTS || '416,608').split(',').map(Number);
  const tinyMinScore = Number(process.env.FACE_REFERENCE_TINY_MIN_SCORE || 0.5);
  const minOverlap = Number(process.env.FACE_REFERENCE_MIN_OVERLAP || 0.3);

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
    const tiny = {};
    for (const inputSize of tinySizes) {
      tiny[inputSize] = await faceapi.detectAllFaces(input,
        new faceapi.TinyFaceDetectorOptions({ inputSize, scoreThreshold: tinyMinScore }));
    }
    input.dispose();
    const tinyBoxes = Object.values(tiny).flat();
    results.push({
      name: image.name,
      backend: tf.getBackend(),
      tiny: Object.fromEntries(Object.entries(tiny).map(([size, list]) => [size,
        list.map((d) => ({ score: d.score, box: [d.box.x, d.box.y, d.box.width, d.box.height] }))])),
      faces: faces.map((f) => {
        const aligned = f.landmarks.align(null, { useDlibAlignment: true });
        const b = f.detection.box;
        return {
          score: f.detection.score,
          box: [b.x, b.y, b.width, b.height],
          landmarks: f.landmarks.positions.map((p) => [p.x, p.y]),
          alignedBox: [aligned.x, aligned.y, aligned.width, aligned.height],
          descriptor: Array.from(f.descriptor),
          confirmed: tinyBoxes.some((d) => iou(d.box, b) >= minOverlap),
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
