// Runs face-api's own networks on tensor files written by the .NET parity tests, all in one process because
// TF.js start-up costs about a second. Usage: node nets.js JOBS.json, where JOBS.json is an array of
//   { "job": "recognition" | "landmarks" | "expression" | "age_gender", "input": F, "shape": [B,3,S,S], "output": F }
//       input: planar NCHW RGB 0..255 already sized for the net (so face-api neither pads nor resizes it);
//       output: recognition [B,128] descriptors, landmarks [B,136] raw fc output (unit coordinates of the
//       square, before face-api's postProcess), expression [B,7] softmax probabilities, age_gender [B,3]
//       (age, then the gender softmax: P(male), P(female));
//   { "job": "input", "input": F, "shape": [H,W,3], "size": S, "centred": bool, "output": F }
//       face-api's NetInput.toBatchTensor on an HWC image, written as planar NCHW [1,3,S,S].
'use strict';
const fs = require('fs');
const { ready, loadNet, readFloat32, writeFloat32 } = require('./common');

async function main() {
  const jobs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const { tf, faceapi } = await ready();
  const nets = {};
  const net = async (name, create, manifest) => {
    if (!nets[name]) nets[name] = await loadNet(create(), manifest);
    return nets[name];
  };
  // face-api's nets take NHWC; a batch goes in as an array of 3-D images, as toNetInput expects.
  const netInput = (job) => faceapi.toNetInput(tf.unstack(tf.transpose(readFloat32(job.input, job.shape), [0, 2, 3, 1])));

  for (const job of jobs) {
    let output;
    switch (job.job) {
      case 'recognition': {
        const recognition = await net('recognition', () => new faceapi.FaceRecognitionNet(), 'face_recognition_model');
        output = recognition.forwardInput(await netInput(job));
        break;
      }
      case 'landmarks': {
        const landmarks = await net('landmarks', () => new faceapi.FaceLandmark68Net(), 'face_landmark_68_model');
        output = landmarks.runNet(await netInput(job)); // the fc output, without postProcess's rescaling
        break;
      }
      case 'expression': {
        const expression = await net('expression', () => new faceapi.FaceExpressionNet(), 'face_expression_model');
        output = expression.forwardInput(await netInput(job));
        break;
      }
      case 'age_gender': {
        const ageGender = await net('age_gender', () => new faceapi.AgeGenderNet(), 'age_gender_model');
        const { age, gender } = ageGender.forwardInput(await netInput(job));
        output = tf.concat([tf.reshape(age, [-1, 1]), gender], 1);
        age.dispose();
        gender.dispose();
        break;
      }
      case 'input': {
        const input = await faceapi.toNetInput(readFloat32(job.input, job.shape));
        output = tf.transpose(input.toBatchTensor(job.size, job.centred), [0, 3, 1, 2]);
        break;
      }
      default:
        throw new Error(`unknown job ${job.job}`);
    }
    await writeFloat32(job.output, output);
    output.dispose();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
