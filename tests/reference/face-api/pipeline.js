// face-api's own end-to-end pipeline (SSD detector -> 68 landmarks -> its own alignment -> descriptor) on
// raw RGB pixels written by the .NET tests, so both sides start from identical decoded pixels.
// Usage: node pipeline.js OUT.json IMAGE.rgb:WIDTH:HEIGHT ...   (IMAGE.rgb = HWC uint8)
'use strict';
const fs = require('fs');
const { ready, loadNet, readRawImage } = require('./common');

(async () => {
  const { tf, faceapi } = await ready();
  await loadNet(faceapi.nets.ssdMobilenetv1, 'ssd_mobilenetv1_model');
  await loadNet(faceapi.nets.faceLandmark68Net, 'face_landmark_68_model');
  await loadNet(faceapi.nets.faceRecognitionNet, 'face_recognition_model');
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5, maxResults: 100 });
  const [out, ...inputs] = process.argv.slice(2);
  const results = [];
  for (const spec of inputs) {
    const { file, width, height, image } = readRawImage(tf, spec);
    const started = process.hrtime.bigint();
    const faces = await faceapi.detectAllFaces(image, options).withFaceLandmarks().withFaceDescriptors();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    image.dispose();
    const largest = faces.sort((a, b) => b.detection.box.area - a.detection.box.area)[0];
    results.push({
      file,
      ms,
      faces: faces.length,
      descriptor: largest ? Array.from(largest.descriptor) : null,
    });
  }
  fs.writeFileSync(out, JSON.stringify(results));
})().catch((e) => { console.error(e); process.exit(1); });
