// Shared set-up for the reference scripts: face-api's own TF.js networks on the wasm backend (CPU), with the
// weights fetched by scripts/fetch-face-api.sh. Used only by tests, to check the ONNX conversions against.
'use strict';
const path = require('path');
const fs = require('fs');
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-wasm');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');

const modelDir = process.env.FACE_API_MODEL_DIR || path.resolve(__dirname, '../../../.tools/face-api/model');

async function ready() {
  await tf.setBackend('wasm');
  await tf.ready();
  return { tf, faceapi };
}

/** Loads one of face-api's nets (e.g. faceapi.nets.faceRecognitionNet) from the fetched weights. */
async function loadNet(net, manifestName) {
  const manifest = JSON.parse(fs.readFileSync(path.join(modelDir, `${manifestName}-weights_manifest.json`), 'utf8'));
  const group = manifest[0];
  const buffers = group.paths.map((p) => fs.readFileSync(path.join(modelDir, p)));
  const data = Buffer.concat(buffers);
  const weightMap = tf.io.decodeWeights(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength), group.weights);
  net.loadFromWeightMap(weightMap);
  return net;
}

/** Reads a float32 little-endian tensor file written by the .NET tests. */
function readFloat32(file, shape) {
  const bytes = fs.readFileSync(file);
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return tf.tensor(values, shape, 'float32');
}

/** Writes a tensor as float32 little-endian. */
async function writeFloat32(file, tensor) {
  const values = await tensor.data();
  fs.writeFileSync(file, Buffer.from(new Float32Array(values).buffer));
}

/** Reads a raw HWC uint8 image written by the .NET tests, given as FILE:WIDTH:HEIGHT; returns its tensor and size. */
function readRawImage(tf, spec) {
  const [file, width, height] = spec.split(':');
  const pixels = new Uint8Array(fs.readFileSync(file));
  return { file, width: Number(width), height: Number(height), image: tf.tensor3d(pixels, [Number(height), Number(width), 3], 'int32') };
}

module.exports = { ready, loadNet, readFloat32, writeFloat32, readRawImage, modelDir };
