import { deploymentOrNone, fileUrlPath, folderSetting, parseDeployment } from '../src/deployment';

describe('parseDeployment', () => {
  it('reads what the odatis_vre server extension publishes', () => {
    // As the Python side writes it (python/odatis_vre/deployment.py, Deployment.to_json).
    const raw = JSON.stringify({
      version: '0.1.0',
      sharedDataPath: 'data/odatis',
      harmonisedPath: 'data/odatis/harmonised',
      examplesPath: 'lessons',
      readOnlyPaths: ['data/odatis', 'lessons'],
      dataFilesUrl: 'odatis-vre/files'
    });
    expect(parseDeployment(raw)).toEqual({
      version: '0.1.0',
      sharedDataPath: 'data/odatis',
      harmonisedPath: 'data/odatis/harmonised',
      examplesPath: 'lessons',
      readOnlyPaths: ['data/odatis', 'lessons'],
      dataFilesUrl: 'odatis-vre/files'
    });
  });

  it('is empty without a server extension (embedded VRE)', () => {
    expect(parseDeployment('')).toEqual({});
    expect(parseDeployment(undefined)).toEqual({});
  });

  it('says what is wrong with a malformed value', () => {
    expect(() => parseDeployment('{"sharedDataPath": ')).toThrow(
      /page config "odatisVre" is not JSON/
    );
    expect(() => parseDeployment('["shared"]')).toThrow(/should be an object, found \["shared"\]/);
    expect(() => parseDeployment('{"sharedDataPath": 3}')).toThrow(
      'The page config "odatisVre.sharedDataPath" should be a string, found 3'
    );
    expect(() => parseDeployment('{"readOnlyPaths": "shared"}')).toThrow(
      /readOnlyPaths" should be a list of paths, found "shared"/
    );
  });
});

describe('fileUrlPath', () => {
  const deployment = { sharedDataPath: 'data/odatis', dataFilesUrl: 'odatis-vre/files' };

  it('serves the shared data by the range-capable route of the server extension', () => {
    expect(fileUrlPath(deployment, 'data/odatis/harmonised/harmonised.duckdb')).toBe(
      'odatis-vre/files/data/odatis/harmonised/harmonised.duckdb'
    );
    expect(fileUrlPath(deployment, '/data/odatis/harmonised')).toBe(
      'odatis-vre/files/data/odatis/harmonised'
    );
  });

  it("serves anything else by the server's files/", () => {
    expect(fileUrlPath(deployment, 'data/odatis-private/x.csv')).toBe(
      'files/data/odatis-private/x.csv'
    );
    expect(fileUrlPath(deployment, 'notes/x.csv')).toBe('files/notes/x.csv');
    // The embedded VRE (no deployment): its static server answers ranges under files/.
    expect(fileUrlPath({}, 'shared/harmonised/harmonised.duckdb')).toBe(
      'files/shared/harmonised/harmonised.duckdb'
    );
  });
});

describe('deploymentOrNone', () => {
  it('is the deployment, or none when the value is malformed', () => {
    expect(deploymentOrNone('{"harmonisedPath": "h"}')).toEqual({ harmonisedPath: 'h' });
    expect(deploymentOrNone('{"harmonisedPath": ')).toEqual({});
  });
});

describe('folderSetting', () => {
  it('takes the user setting, else the deployment, else the default', () => {
    expect(folderSetting('mine/data', 'data/odatis', 'shared')).toBe('mine/data');
    expect(folderSetting(undefined, 'data/odatis', 'shared')).toBe('data/odatis');
    expect(folderSetting(undefined, undefined, 'shared')).toBe('shared');
  });
});
