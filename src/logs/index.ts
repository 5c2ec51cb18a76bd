// Log reading, following and multiplexing (json-file logs written by berth-shim).
//
// For `up` (attached) and `logs -f` (the printer is the CLI's):
//   await followProject(paths, project, {
//     services, tail, since,                 // optional filters
//     signal: ac.signal,                     // abort to stop following
//     onContainer: (_c, name) => printer.add(name),
//     onLine: (l) => printer.print(l),
//   });
export { followProject, projectLogs, type ProjectLogOptions } from './project.js';
