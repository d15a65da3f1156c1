// `npm start`: will start the simulators, the bridge and the UI wired together once they exist (issues 3-5).
console.log('OneDoor: the protocol codecs are built; the simulators, bridge and kiosk UI are not built yet.');
console.log('Run `npm test` to check the codecs against the shared vectors.');
