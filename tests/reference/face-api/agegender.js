// face-api's own landmark pipeline with age and gender (detectAllFaces().withFaceLandmarks().withAgeAndGender())
// on raw RGB pixels written by the .NET tests: for every face its 68 landmarks, the crop face-api gave the age/gender
// net (alignedRect clipped at the image borders, as extractFaceTensors slices it), the age and the gender.
// Usage: node agegender.js OUT.json IMAGE.rgb:WIDTH:HEIGHT ...   (IMAGE.rgb = HWC uint8)
'use strict';
const fs = require('fs');
const { ready, loadNet, readRawImage } = require('./common');

(async () => {
  const { tf, faceapi } = await ready();
  await loadNet(faceapi.nets.ssdMobilenetv1, 'ssd_mobilenetv1_model');
  await loadNet(faceapi.nets.faceLandmark68Net, 'face_landmark_68_model');
  await loadNet(faceapi.nets.ageGenderNet, 'age_gender_model');
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5, maxResults: 100 });
  const [out, ...inputs] = process.argv.slice(2);
  const results = [];
  for (const spec of inputs) {
    const { file, width, height, image } = readRawImage(tf, spec);
    const faces = await faceapi.detectAllFaces(image, options).withFaceLandmarks().withAgeAndGender();
    image.dispose();
    results.push({
      file,
      faces: faces.map((f) => {
        const crop = f.alignedRect.forSize(width, height).box.clipAtImageBorders(width, height);
        return {
          landmarks: f.landmarks.positions.map((p) => [p.x, p.y]),
          crop: [crop.x, crop.y, crop.width, crop.height],
          age: f.age,
          gender: f.gender,
          gender_probability: f.genderProbability,
        };
      }),
    });
  }
  fs.writeFileSync(out, JSON.stringify(results));
})().catch((e) => { console.error(e); process.exit(1); });
