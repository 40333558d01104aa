<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
    <context>
        <name>MMCANet</name>
        <message>
            <location filename="../plugin/algorithm.py" line="48" />
            <source>Optical bands '{0}' are not a list of 1-based band numbers. Write them like '4,3,2' (red, green, blue of Sentinel-2 L1C) or leave the field empty to use the bands the weights were trained on.</source>
            <translation>Die optischen Bänder '{0}' sind keine Liste von Bandnummern ab 1. Schreiben Sie sie wie '4,3,2' (Rot, Grün, Blau von Sentinel-2 L1C) oder lassen Sie das Feld leer, um die Bänder zu verwenden, mit denen die Gewichte trainiert wurden.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="76" />
            <location filename="../plugin/main.py" line="50" />
            <source>Remove clouds (SAR-optical)</source>
            <translation>Wolken entfernen (SAR-optisch)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="79" />
            <source>Cloud removal</source>
            <translation>Wolkenentfernung</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="92" />
            <source>&lt;p&gt;Restores a cloud-covered &lt;b&gt;Sentinel-2&lt;/b&gt; image with the help of a &lt;b&gt;Sentinel-1&lt;/b&gt; radar (SAR) image of the same place, using the MMCANet neural network (Zhou et al., IEEE TGRS 2025). Radar sees through clouds; the network uses it to fill in what the clouds hide.&lt;/p&gt;&lt;p&gt;&lt;b&gt;SAR raster&lt;/b&gt;: Sentinel-1 GRD with two bands, VV then VH, as backscatter in dB (as in SEN12MS-CR) or as linear power (converted automatically).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Optical raster&lt;/b&gt;: the cloudy Sentinel-2 Level-1C image as digital numbers (reflectance x 10000), usually all 13 bands B1..B12 in the standard order.&lt;/p&gt;&lt;p&gt;Both rasters must be &lt;b&gt;co-registered&lt;/b&gt; and cover the same place, ideally on the same pixel grid (clip both with the same extent first). A SAR raster on another grid is resampled onto the optical grid; optical pixels without SAR become nodata.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Optical bands&lt;/b&gt;: which bands of the optical raster the model restores, 1-based and in the order the weights expect, e.g. 4,3,2 for red, green, blue. Leave empty to use the bands stored in the weights.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Weights&lt;/b&gt;: a MMCANet .safetensors file; the checkpoint shipped with the plugin is the default when there is one.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Output&lt;/b&gt;: a GeoTIFF with the restored optical bands (same CRS, extent and size as the optical raster, same scale as its digital numbers).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Device&lt;/b&gt;: auto uses a CUDA GPU when PyTorch sees one, else the CPU. On the CPU a large scene can take a long time; the image is processed in overlapping tiles (advanced parameters) and the run can be cancelled at any time.&lt;/p&gt;</source>
            <translation>&lt;p&gt;Stellt ein von Wolken bedecktes &lt;b&gt;Sentinel-2&lt;/b&gt;-Bild mit Hilfe eines &lt;b&gt;Sentinel-1&lt;/b&gt;-Radarbilds (SAR) desselben Ortes wieder her, mit dem neuronalen Netz MMCANet (Zhou et al., IEEE TGRS 2025). Radar sieht durch Wolken; das Netz nutzt es, um zu ergänzen, was die Wolken verdecken.&lt;/p&gt;&lt;p&gt;&lt;b&gt;SAR-Raster&lt;/b&gt;: Sentinel-1 GRD mit zwei Bändern, erst VV, dann VH, als Rückstreuung in dB (wie in SEN12MS-CR) oder als lineare Leistung (wird automatisch umgerechnet).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Optisches Raster&lt;/b&gt;: das bewölkte Sentinel-2-Level-1C-Bild als Digitalwerte (Reflexion x 10000), meist alle 13 Bänder B1..B12 in der üblichen Reihenfolge.&lt;/p&gt;&lt;p&gt;Beide Raster müssen &lt;b&gt;koregistriert&lt;/b&gt; sein und denselben Ort abdecken, am besten im selben Pixelraster (beide zuerst auf dieselbe Ausdehnung zuschneiden). Ein SAR-Raster in einem anderen Raster wird auf das optische Raster umgerechnet; optische Pixel ohne SAR werden NoData.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Optische Bänder&lt;/b&gt;: welche Bänder des optischen Rasters das Modell wiederherstellt, ab 1 gezählt und in der Reihenfolge, die die Gewichte erwarten, z. B. 4,3,2 für Rot, Grün, Blau. Leer lassen, um die in den Gewichten gespeicherten Bänder zu verwenden.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Gewichte&lt;/b&gt;: eine MMCANet-Datei (.safetensors); der mit dem Plugin gelieferte Checkpoint ist die Vorgabe, wenn es einen gibt.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Ausgabe&lt;/b&gt;: ein GeoTIFF mit den wiederhergestellten optischen Bändern (gleiches KBS, gleiche Ausdehnung und Größe wie das optische Raster, gleiche Skala wie dessen Digitalwerte).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Gerät&lt;/b&gt;: Automatisch nutzt eine CUDA-GPU, wenn PyTorch eine findet, sonst die CPU. Auf der CPU kann eine große Szene lange dauern; das Bild wird in überlappenden Kacheln verarbeitet (erweiterte Parameter), und der Lauf kann jederzeit abgebrochen werden.&lt;/p&gt;</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="122" />
            <source>SAR raster (Sentinel-1, bands VV, VH)</source>
            <translation>SAR-Raster (Sentinel-1, Bänder VV, VH)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="124" />
            <source>Cloudy optical raster (Sentinel-2 L1C)</source>
            <translation>Bewölktes optisches Raster (Sentinel-2 L1C)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="127" />
            <source>Model weights (.safetensors)</source>
            <translation>Modellgewichte (.safetensors)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="130" />
            <source>Optical bands, 1-based (empty: from the weights)</source>
            <translation>Optische Bänder, ab 1 gezählt (leer: aus den Gewichten)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="133" />
            <location filename="../plugin/dock.py" line="84" />
            <source>Device</source>
            <translation>Gerät</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="133" />
            <source>auto (CUDA if available)</source>
            <translation>automatisch (CUDA, falls verfügbar)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="133" />
            <location filename="../plugin/dock.py" line="76" />
            <source>CPU</source>
            <translation>CPU</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="134" />
            <location filename="../plugin/dock.py" line="77" />
            <source>CUDA GPU</source>
            <translation>CUDA-GPU</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="137" />
            <source>Tile size in pixels, a multiple of 16 (0: automatic)</source>
            <translation>Kachelgröße in Pixeln, Vielfaches von 16 (0: automatisch)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="140" />
            <source>Tile overlap in pixels (-1: automatic)</source>
            <translation>Kachelüberlappung in Pixeln (-1: automatisch)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="143" />
            <source>Tiles per batch</source>
            <translation>Kacheln pro Stapel</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="146" />
            <source>Half precision (CUDA only, faster, less memory)</source>
            <translation>Halbe Genauigkeit (nur CUDA, schneller, weniger Speicher)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="153" />
            <source>Cloud-free raster</source>
            <translation>Wolkenfreies Raster</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="154" />
            <source>Device used</source>
            <translation>Verwendetes Gerät</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="161" />
            <source>The SAR raster is missing or cannot be opened. Choose a raster layer or a GeoTIFF file.</source>
            <translation>Das SAR-Raster fehlt oder lässt sich nicht öffnen. Wählen Sie einen Rasterlayer oder eine GeoTIFF-Datei.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="163" />
            <source>The optical raster is missing or cannot be opened. Choose a raster layer or a GeoTIFF file.</source>
            <translation>Das optische Raster fehlt oder lässt sich nicht öffnen. Wählen Sie einen Rasterlayer oder eine GeoTIFF-Datei.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="169" />
            <source>The SAR raster '{0}' is not a raster file on disk. Save it as a GeoTIFF first (Export &gt; Save As...).</source>
            <translation>Das SAR-Raster '{0}' ist keine Rasterdatei auf der Festplatte. Speichern Sie es zuerst als GeoTIFF (Exportieren &gt; Speichern als...).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="171" />
            <source>The optical raster '{0}' is not a raster file on disk. Save it as a GeoTIFF first (Export &gt; Save As...).</source>
            <translation>Das optische Raster '{0}' ist keine Rasterdatei auf der Festplatte. Speichern Sie es zuerst als GeoTIFF (Exportieren &gt; Speichern als...).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="182" />
            <source>Model weights '{0}' not found. Choose a MMCANet weights file (.safetensors) in the Weights parameter.</source>
            <translation>Modellgewichte '{0}' nicht gefunden. Wählen Sie im Parameter Gewichte eine MMCANet-Gewichtsdatei (.safetensors).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="194" />
            <source>The output '{0}' must be a GeoTIFF (.tif).</source>
            <translation>Die Ausgabe '{0}' muss ein GeoTIFF (.tif) sein.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="206" />
            <source>Device '{0}' cannot be used: {1}</source>
            <translation>Das Gerät '{0}' kann nicht verwendet werden: {1}</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="209" />
            <source>Running on {0}</source>
            <translation>Läuft auf {0}</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="230" />
            <source>Cloud removal failed: {0}: {1}</source>
            <translation>Wolkenentfernung fehlgeschlagen: {0}: {1}</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="236" />
            <location filename="../plugin/algorithm.py" line="224" />
            <location filename="../plugin/task.py" line="107" />
            <source>Cancelled; no output was written.</source>
            <translation>Abgebrochen; es wurde keine Ausgabe geschrieben.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithm.py" line="237" />
            <source>Restored raster written to {0}</source>
            <translation>Wiederhergestelltes Raster geschrieben nach {0}</translation>
        </message>
        <message>
            <location filename="../plugin/deps.py" line="252" />
            <source>MMCANet needs Python packages that this QGIS lacks: {0}. Install them with the plugin's installer (menu Raster &gt; MMCANet cloud removal &gt; Install Python dependencies...), or run: {1}</source>
            <translation>MMCANet benötigt Python-Pakete, die diesem QGIS fehlen: {0}. Installieren Sie sie mit dem Installationsprogramm des Plugins (Menü Raster &gt; MMCANet-Wolkenentfernung &gt; Python-Abhängigkeiten installieren...) oder führen Sie aus: {1}</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="38" />
            <location filename="../plugin/main.py" line="30" />
            <location filename="../plugin/provider.py" line="19" />
            <location filename="../plugin/task.py" line="67" />
            <source>MMCANet cloud removal</source>
            <translation>MMCANet-Wolkenentfernung</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="54" />
            <source>Restore a cloudy Sentinel-2 image with a co-registered Sentinel-1 SAR image of the same place.</source>
            <translation>Ein bewölktes Sentinel-2-Bild mit einem koregistrierten Sentinel-1-SAR-Bild desselben Ortes wiederherstellen.</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="59" />
            <source>Inputs</source>
            <translation>Eingaben</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="64" />
            <source>SAR (VV, VH)</source>
            <translation>SAR (VV, VH)</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="65" />
            <source>Cloudy optical</source>
            <translation>Bewölkt, optisch</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="68" />
            <source>Model</source>
            <translation>Modell</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="72" />
            <source>MMCANet weights (*.safetensors)</source>
            <translation>MMCANet-Gewichte (*.safetensors)</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="74" />
            <source>Choose a .safetensors file</source>
            <translation>Eine .safetensors-Datei wählen</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="76" />
            <source>Auto (CUDA if available)</source>
            <translation>Automatisch (CUDA, falls verfügbar)</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="81" />
            <source>GeoTIFF (*.tif)</source>
            <translation>GeoTIFF (*.tif)</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="82" />
            <source>[Save to temporary file]</source>
            <translation>[In temporäre Datei speichern]</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="83" />
            <source>Weights</source>
            <translation>Gewichte</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="85" />
            <source>Output</source>
            <translation>Ausgabe</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="89" />
            <source>Decloud</source>
            <translation>Wolken entfernen</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="92" />
            <source>Cancel</source>
            <translation>Abbrechen</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="112" />
            <location filename="../plugin/main.py" line="56" />
            <source>Install Python dependencies...</source>
            <translation>Python-Abhängigkeiten installieren...</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="136" />
            <source>Missing Python packages: {0}. Install them first.</source>
            <translation>Fehlende Python-Pakete: {0}. Installieren Sie sie zuerst.</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="139" />
            <source>Ready. Choose the SAR and the cloudy optical layer.</source>
            <translation>Bereit. Wählen Sie den SAR- und den bewölkten optischen Layer.</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="144" />
            <source>Device: CUDA if PyTorch finds a GPU, else CPU.</source>
            <translation>Gerät: CUDA, wenn PyTorch eine GPU findet, sonst CPU.</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="145" />
            <source>Device: CPU (slow on large scenes).</source>
            <translation>Gerät: CPU (langsam bei großen Szenen).</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="146" />
            <source>Device: CUDA GPU.</source>
            <translation>Gerät: CUDA-GPU.</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="163" />
            <location filename="../plugin/dock.py" line="219" />
            <location filename="../plugin/installer.py" line="105" />
            <location filename="../plugin/installer.py" line="116" />
            <location filename="../plugin/installer.py" line="122" />
            <location filename="../plugin/installer.py" line="82" />
            <location filename="../plugin/main.py" line="66" />
            <source>MMCANet</source>
            <translation>MMCANet</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="171" />
            <source>Choose both a SAR and an optical raster layer.</source>
            <translation>Wählen Sie sowohl einen SAR- als auch einen optischen Rasterlayer.</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="173" />
            <source>The SAR and the optical layer must be different layers.</source>
            <translation>SAR- und optischer Layer müssen verschiedene Layer sein.</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="176" />
            <source>Choose the model weights (.safetensors file).</source>
            <translation>Wählen Sie die Modellgewichte (.safetensors-Datei).</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="190" />
            <source>{0} (cloud-free)</source>
            <translation>{0} (wolkenfrei)</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="198" />
            <source>Removing clouds...</source>
            <translation>Wolken werden entfernt...</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="205" />
            <source>Cancelling...</source>
            <translation>Wird abgebrochen...</translation>
        </message>
        <message>
            <location filename="../plugin/dock.py" line="212" />
            <source>Device: {0}</source>
            <translation>Gerät: {0}</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="20" />
            <source>Installing MMCANet's Python dependencies</source>
            <translation>Python-Abhängigkeiten von MMCANet werden installiert</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="29" />
            <source>QGIS's own Python interpreter was not found, so pip cannot run from QGIS. Run the command shown in the MMCANet tab of the log in a terminal (the OSGeo4W Shell on Windows).</source>
            <translation>Der eigene Python-Interpreter von QGIS wurde nicht gefunden, daher kann pip nicht aus QGIS heraus laufen. Führen Sie den Befehl aus dem Reiter MMCANet des Protokolls in einem Terminal aus (unter Windows in der OSGeo4W Shell).</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="64" />
            <source>pip failed (exit code {0}); see the MMCANet tab of the log.</source>
            <translation>pip ist fehlgeschlagen (Exit-Code {0}); siehe den Reiter MMCANet im Protokoll.</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="83" />
            <source>All Python dependencies of MMCANet are installed.</source>
            <translation>Alle Python-Abhängigkeiten von MMCANet sind installiert.</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="86" />
            <source>MMCANet needs these Python packages, which this QGIS lacks: {0}.

Install them now into the plugin's own folder
{1}?

Packages QGIS ships (numpy, GDAL) are left untouched. The download can take several minutes (PyTorch is large).</source>
            <translation>MMCANet benötigt diese Python-Pakete, die diesem QGIS fehlen: {0}.

Jetzt in den eigenen Ordner des Plugins installieren?
{1}

Die mit QGIS gelieferten Pakete (numpy, GDAL) bleiben unverändert. Der Download kann mehrere Minuten dauern (PyTorch ist groß).</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="92" />
            <source>MMCANet dependencies</source>
            <translation>MMCANet-Abhängigkeiten</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="105" />
            <source>Installing Python dependencies in the background...</source>
            <translation>Python-Abhängigkeiten werden im Hintergrund installiert...</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="113" />
            <source>still missing after the install: {0}</source>
            <translation>nach der Installation fehlen noch: {0}</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="116" />
            <source>Dependencies installed. The cloud removal is ready.</source>
            <translation>Abhängigkeiten installiert. Die Wolkenentfernung ist bereit.</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="120" />
            <source>cancelled</source>
            <translation>abgebrochen</translation>
        </message>
        <message>
            <location filename="../plugin/installer.py" line="122" />
            <source>Installing the dependencies failed: {0}</source>
            <translation>Die Installation der Abhängigkeiten ist fehlgeschlagen: {0}</translation>
        </message>
        <message>
            <location filename="../plugin/main.py" line="53" />
            <source>Show or hide the MMCANet cloud-removal panel</source>
            <translation>Das MMCANet-Bedienfeld zur Wolkenentfernung ein- oder ausblenden</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="50" />
            <source>Cloud-free</source>
            <translation>Wolkenfrei</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="64" />
            <source>The algorithm {0} is not registered.</source>
            <translation>Der Algorithmus {0} ist nicht registriert.</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="103" />
            <source>Done: added layer '{0}'.</source>
            <translation>Fertig: Layer '{0}' hinzugefügt.</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="105" />
            <source>The output {0} could not be opened.</source>
            <translation>Die Ausgabe {0} konnte nicht geöffnet werden.</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="109" />
            <source>unknown error</source>
            <translation>unbekannter Fehler</translation>
        </message>
        <message>
            <location filename="../plugin/task.py" line="110" />
            <source>Cloud removal failed: {0}</source>
            <translation>Wolkenentfernung fehlgeschlagen: {0}</translation>
        </message>
    </context>
</TS>
