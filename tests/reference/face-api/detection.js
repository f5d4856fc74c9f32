// face-api's own SSD MobileNet v1 detector on tensors written by the .NET tests, to check the ONNX conversion.
// Usage: node detection.js JOBS.json OUT_DIR
//   JOBS.json: [{ "name": "...", "tensor": "prepared input, float32 NCHW [1,3,512,512]",
//                 "image": { "path": "decoded photo, float32 HWC", "height": H, "width": W } (optional) }]
// For each job, on the prepared tensor (transposed to face-api's NHWC): the raw pre-NMS outputs of
// net.forwardInput (OUT_DIR/NAME.boxes.f32 [5118,4] and NAME.scores.f32 [5118]) and locateFaces' detections
// (face-api's NMS, minConfidence 0.5, maxResults 100) in pixels of the 512x512 input. With "image": face-api's
// own preparation of the photo (NetInput.toBatchTensor(512, false) -> OUT_DIR/NAME.batch.f32, NHWC) and
// locateFaces on the whole photo (boxes in photo pixels). Prints JSON { jobs: [...], msPerDetection }.
'use strict';
const fs = require('fs');
const path = require('path');
const { ready, loadNet, readFloat32, writeFloat32 } = require('./common');

const toJson = (detections) => detections.map((d) => ({
  score: d.score, x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height,
}));

async function main() {
  const [jobsFile, outDir] = process.argv.slice(2);
  const { tf, faceapi } = await ready();
  const net = await loadNet(new faceapi.SsdMobilenetv1(), 'ssd_mobilenetv1_model');
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5, maxResults: 100 });
  const jobs = JSON.parse(fs.readFileSync(jobsFile, 'utf8'));
  const results = [];
  let detectionMs = 0;
  for (const job of jobs) {
    const input = tf.tidy(() => tf.transpose(readFloat32(job.tensor, [1, 3, 512, 512]), [0, 2, 3, 1]));
    const { boxes, scores } = net.forwardInput(await faceapi.toNetInput(input));
    await writeFloat32(path.join(outDir, `${job.name}.boxes.f32`), boxes[0]);
    await writeFloat32(path.join(outDir, `${job.name}.scores.f32`), scores[0]);
    tf.dispose([boxes, scores]);
    const started = process.hrtime.bigint();
    const detections = await net.locateFaces(input, options);
    detectionMs += Number(process.hrtime.bigint() - started) / 1e6;
    const result = { name: job.name, detections: toJson(detections) };
    input.dispose();
    if (job.image) {
      const photo = readFloat32(job.image.path, [job.image.height, job.image.width, 3]);
      const netInput = await faceapi.toNetInput(photo);
      const batch = netInput.toBatchTensor(512, false);
      await writeFloat32(path.join(outDir, `${job.name}.batch.f32`), batch);
      batch.dispose();
      result.imageDetections = toJson(await net.locateFaces(photo, options));
      photo.dispose();
    }
    results.push(result);
  }
  // Each timed locateFaces follows an untimed forwardInput of the same input, so wasm warm-up is left out.
  process.stdout.write(JSON.stringify({ jobs: results, msPerDetection: detectionMs / jobs.length }));
}

main().catch((error) => { console.error(error); process.exit(1); });
